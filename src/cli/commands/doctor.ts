import type { Command } from 'commander';
import { type DoctorReport, diagnose, type Finding, NeedsAttentionError } from '../../app/doctor.ts';
import { parseInstantOption, printJson, readConfigFile, withDeps } from '../context.ts';
import type { CliIo } from '../io.ts';
import { painter, renderTable } from '../render.ts';

/**
 * `shiftctl doctor`: the config table, the file, the runs table and each provider's view compared;
 * every disagreement listed with what to do. Exit 0 when all agree, 1 when something needs a person.
 */
export const registerDoctorCommand = (program: Command, io: CliIo): void => {
  program
    .command('doctor')
    .description(
      'compare the configuration in force, FILE, the recorded runs and what each hosting service reports; ' +
        'list every disagreement with what to do (exit 1 when something needs a person)',
    )
    .option('-f, --file <FILE>', 'the shifts.yml to compare with the configuration in force')
    .option('--at <ISO>', 'the instant to compare at (default: now)')
    .option('--json', 'print JSON (UTC instants)')
    .addHelpText(
      'after',
      ['', 'Examples:', '  shiftctl doctor -f shifts.yml', '  shiftctl doctor --json'].join('\n'),
    )
    .action(async (options: { file?: string; at?: string; json?: boolean }) => {
      const at = parseInstantOption('--at', options.at, new Date());
      const file =
        options.file === undefined
          ? undefined
          : { source: options.file, config: readConfigFile(options.file) };
      const report = await withDeps(io, (deps) => diagnose(deps, { at, ...(file ? { file } : {}) }));
      if (options.json) printJson(io, reportJson(report));
      else printReport(io, report);
      if (report.findings.length > 0) {
        throw new NeedsAttentionError(
          `${report.findings.length} disagreement${report.findings.length === 1 ? '' : 's'} need${report.findings.length === 1 ? 's' : ''} a person`,
        );
      }
    });
};

const reportJson = (report: DoctorReport) => ({
  at: report.at.toISOString(),
  configVersion: report.configVersion ?? null,
  models: report.models,
  openRuns: report.openRuns,
  ok: report.findings.length === 0,
  findings: report.findings,
});

const printReport = (io: CliIo, report: DoctorReport): void => {
  const paint = painter(io.isTty);
  const version = report.configVersion === undefined ? 'none applied' : `version ${report.configVersion}`;
  io.out(
    `at ${report.at.toISOString()}: configuration ${version}, ${report.models} models, ${report.openRuns} open runs`,
  );
  if (report.findings.length === 0) {
    io.out(paint('green', 'all agree: the file, the configuration, the runs and the hosting services'));
    return;
  }
  io.out(
    renderTable(
      ['FINDING', 'MODEL', 'WHAT', 'DO'],
      report.findings.map((finding: Finding) => [
        paint('yellow', finding.kind),
        finding.runId ?? finding.model ?? '-',
        finding.detail,
        finding.action,
      ]),
    ),
  );
};

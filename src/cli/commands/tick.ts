import type { Command } from 'commander';
import { reconcile } from '../../app/reconcile.ts';
import type { RefusedConfig } from '../../store/config-repository.ts';
import { parseInstantOption, printJson, withDeps } from '../context.ts';
import type { CliIo } from '../io.ts';
import { painter, renderTable } from '../render.ts';

/** `shiftctl tick [--at ISO]`: one reconcile pass, exactly what the reconcile Lambda does. */
export const registerTickCommand = (program: Command, io: CliIo): void => {
  program
    .command('tick')
    .description('run one reconcile pass: for each model, what it saw, what it did and why')
    .option('--at <ISO>', 'the instant the pass decides for (default: now)')
    .option('--json', 'print the pass as JSON (UTC)')
    .addHelpText(
      'after',
      [
        '',
        'Exits 0 when the pass ran, even if some models were deferred or failed (each has its line);',
        'exits 1 when the pass could not run (tables or configuration unreachable).',
        '',
        'Examples:',
        '  shiftctl tick',
        '  shiftctl tick --at 2027-03-26T04:40:00Z --json',
      ].join('\n'),
    )
    .action(async (options: { at?: string; json?: boolean }) => {
      const at = parseInstantOption('--at', options.at, new Date());
      const report = await withDeps(io, (deps) => reconcile(deps, { at, trigger: 'shiftctl tick' }));
      if (options.json) {
        printJson(io, {
          at: report.at.toISOString(),
          configVersion: report.configVersion,
          ...(report.refusedConfig ? { refusedConfig: report.refusedConfig } : {}),
          outcomes: report.outcomes,
        });
        if (report.refusedConfig) io.err(refusalLine(report.refusedConfig, report.configVersion));
        return;
      }
      const paint = painter(io.isTty);
      const resultColour = { sent: 'green', done: 'dim', deferred: 'yellow', failed: 'red' } as const;
      io.out(`tick at ${report.at.toISOString()} (config version ${report.configVersion})`);
      if (report.refusedConfig) io.err(paint('red', refusalLine(report.refusedConfig, report.configVersion)));
      io.out(
        renderTable(
          ['MODEL', 'DESIRED', 'OBSERVED', 'ACTION', 'RESULT', 'WHY'],
          report.outcomes.map((outcome) => [
            outcome.alert ? paint('red', outcome.model) : outcome.model,
            outcome.desired,
            outcome.observed,
            outcome.action,
            paint(resultColour[outcome.result], outcome.result),
            outcome.reason,
          ]),
        ),
      );
    });
};

/** The alert for a stored configuration version that failed validation, and what runs instead. */
const refusalLine = (refused: RefusedConfig, running: number): string =>
  `configuration version ${refused.version} in the table is refused; version ${running} keeps running until a valid apply:\n${refused.message}`;

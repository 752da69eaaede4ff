import type { Command } from 'commander';
import type { RunView } from '../../app/runs-view.ts';
import { listRuns } from '../../app/runs-view.ts';
import { resolvedModel } from '../../schedule/config.ts';
import { describeLead } from '../../schedule/lead.ts';
import { appliedConfig } from '../../store/config-repository.ts';
import { parseInstantOption, printJson, withDeps } from '../context.ts';
import { formatHours, formatInZone, formatUnits, formatUsd } from '../format.ts';
import type { CliIo } from '../io.ts';
import { type Paint, painter, renderTable, right } from '../render.ts';

const outcomeColour = {
  scheduled: 'dim',
  starting: 'cyan',
  hosted: 'green',
  stopping: 'cyan',
  completed: 'green',
  failed: 'red',
  'budget-blocked': 'red',
  cancelled: 'dim',
} as const;

/** The lead a run was planned with, as `describeLead` words it; `-` when not recorded. */
const leadText = (run: RunView): string =>
  run.leadMinutes === null || run.leadSource === null
    ? '-'
    : describeLead({
        minutes: run.leadMinutes,
        source: run.leadSource,
        samples: run.leadSamples ?? 0,
        ...(run.leadQuantile === null ? {} : { quantile: run.leadQuantile }),
      });

/** The runs as a table for people, instants in each model's time zone (`zones`, model → IANA zone). */
export const renderRuns = (
  runs: readonly RunView[],
  zones: ReadonlyMap<string, string>,
  paint: Paint,
): string => {
  const local = (iso: string | null, model: string) =>
    iso ? formatInZone(new Date(iso), zones.get(model) ?? 'UTC') : '-';
  return renderTable(
    [
      'MODEL',
      'SHIFTS',
      'START REQUESTED',
      'LEAD',
      'HOSTED',
      'STOP REQUESTED',
      'STOPPED',
      right('UNITS'),
      right('TRIES'),
      right('UNIT-H'),
      right('COST'),
      'OUTCOME',
    ],
    runs.map((run) => [
      run.model,
      run.shifts.join('+') || run.origin,
      local(run.requestedStartAt, run.model),
      leadText(run),
      local(run.hostedAt, run.model),
      local(run.requestedStopAt, run.model),
      local(run.stoppedAt, run.model),
      formatUnits(run),
      String(run.startAttempts),
      formatHours(run.inferenceUnitHours),
      formatUsd(run.cost),
      paint(outcomeColour[run.outcome], run.outcome) + (run.note ? paint('dim', ` ${run.note}`) : ''),
    ]),
  );
};

/** `shiftctl runs`: the recorded runs with their tokens, unit-hours, cost and outcome. */
export const registerRunsCommand = (program: Command, io: CliIo): void => {
  program
    .command('runs')
    .description(
      'the recorded runs: start requested, hosted, stop requested, stopped, units, tokens, cost, outcome',
    )
    .option('--model <ID>', 'only this model')
    .option('--since <ISO>', 'only runs ending at or after this instant')
    .option('--json', 'print {"runs": [...]} (UTC instants)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  shiftctl runs --model pcb-line-1',
        '  shiftctl runs --since 2027-03-01T00:00:00Z --json',
      ].join('\n'),
    )
    .action(async (options: { model?: string; since?: string; json?: boolean }) => {
      const since = options.since === undefined ? undefined : parseInstantOption('--since', options.since);
      const at = new Date();
      const { runs, zones } = await withDeps(io, async (deps) => {
        const { config } = await appliedConfig(deps.configs);
        const known = config.models.map((model) => model.id);
        // An unknown model is refused with the message every command gives for it.
        if (options.model !== undefined) resolvedModel(config, options.model);
        const models = options.model === undefined ? known : [options.model];
        const zoneOf = new Map(models.map((id) => [id, resolvedModel(config, id).timezone]));
        return {
          runs: await listRuns(deps.runs, models, { ...(since ? { since } : {}), at }),
          zones: zoneOf,
        };
      });
      if (options.json) {
        printJson(io, { runs });
        return;
      }
      io.out(renderRuns(runs, zones, painter(io.isTty)));
      if (runs.length === 0) io.out('no runs recorded');
    });
};

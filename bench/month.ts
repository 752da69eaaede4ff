/**
 * `npm run bench -- month [--days N] [--models N] [--projects N] [--seed N] [--latency SPEC]
 * [--model-spread X] [--throttle P] [--hosting-failed P] [--json FILE] [--known-latency]`: a month
 * of a Lookout for Vision fleet on the emulator's virtual clock, run five ways on the same keyed
 * draws (see bench/month/run-month.ts) and measured at the emulator: the scheduler as deployed, the
 * scheduler with a fixed 20-minute lead, a cron at the shift edges, a 5-minute reconciler without a
 * lead, and the oracle that knows every start's latency and outcome. `--known-latency` adds a sixth:
 * the scheduler with each model's lead taken by the same rule from its true latency.
 */
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { formatHours, formatShare, formatUsd } from '../src/cli/format.ts';
import { renderTable, right } from '../src/cli/render.ts';
import { parseMonthArgs } from './month/params.ts';
import {
  type MonthReport,
  referenceName,
  runMonth,
  type StrategyName,
  strategyNames,
} from './month/run-month.ts';
import { workerRunner } from './month/worker-runner.ts';

/** The terminal table of a month report, one line per strategy. */
export const renderMonthTable = (report: MonthReport): string =>
  renderTable(
    [
      'STRATEGY',
      right('COVERAGE'),
      right('MISSED MIN'),
      right('LATE STARTS'),
      right('UNIT-H IN SHIFT'),
      right('UNIT-H OUTSIDE'),
      right('OUTSIDE VS ORACLE'),
      right('COST'),
      right('CALLS'),
      right('WALL S'),
    ],
    [...strategyNames, referenceName].flatMap((name: StrategyName) => {
      const row = report.strategies[name];
      if (!row) return [];
      return [
        [
          name,
          formatShare(row.coverage),
          String(row.missedShiftMinutes),
          String(row.lateStarts),
          formatHours(row.unitHoursInShift, 1),
          formatHours(row.unitHoursOutsideShift, 1),
          `${formatHours(row.outsideShiftRatioToOracle)}×`,
          formatUsd(row.costUsd),
          String(row.controlPlaneCalls),
          (report.wallSeconds[name] ?? 0).toFixed(1),
        ],
      ];
    }),
  );

/** Runs the month bench with `args` (the flags after `month`), prints its table and writes its JSON. */
export const run = async (args: readonly string[] = []): Promise<void> => {
  const params = parseMonthArgs(args);
  const report = await runMonth(params, {
    onStrategy: (name, seconds) => process.stderr.write(`${name}: ${seconds.toFixed(1)} s\n`),
    // The strategies share nothing: one worker per core, the scheduler's two (the longest) first.
    runner: workerRunner,
    parallel: availableParallelism(),
  });
  const { from, to } = report.params;
  console.log(
    `${params.models} Lookout for Vision models in ${params.projects} projects, ${params.days} days from ${from} to ${to} (Europe/Berlin, no clock change)`,
  );
  console.log(
    `latency ${params.latency}, model spread ${params.modelSpread}, throttle ${params.throttle}, hosting failed ${params.hostingFailed}, seed ${params.seed}`,
  );
  console.log(renderMonthTable(report));
  console.log(`wall time ${report.wallSeconds.total.toFixed(1)} s`);
  if (params.json !== undefined) {
    await writeFile(
      params.json,
      `${JSON.stringify({ params: report.params, strategies: report.strategies }, null, 2)}\n`,
    );
    console.log(`wrote ${params.json}`);
  }
};

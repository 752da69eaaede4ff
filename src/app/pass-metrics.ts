import type { MetricPoint } from '../platform/metrics.ts';
import type { ModelOutcome, PassReport } from './reconcile.ts';
import { monthlyReport, type ReportDeps } from './report.ts';

/** What the function measured around a pass, beside its report. */
export interface PassMeasures {
  /** Wall-clock milliseconds the pass took. */
  readonly durationMs: number;
  /** Hosting API calls the pass sent, by `Service.Operation`. */
  readonly calls?: ReadonlyMap<string, number>;
  /** The fleet's spending so far this month, when the function read it for this pass. */
  readonly monthToDate?: { readonly inferenceUnitHours: number; readonly cost: number };
}

/** Observed states in which a model is billed and not on its way down. */
const RUNNING: ReadonlySet<ModelOutcome['observed']> = new Set(['hosted', 'starting', 'updating']);

/** The counts a pass gives, per group of outcomes (the fleet, one provider). */
const countsOf = (outcomes: readonly ModelOutcome[]) => {
  const late = outcomes.flatMap((outcome) =>
    outcome.lateMinutes === undefined ? [] : [outcome.lateMinutes],
  );
  return {
    Starts: outcomes.filter((o) => o.action === 'start' && o.result === 'sent').length,
    Stops: outcomes.filter((o) => o.action === 'stop' && o.result === 'sent').length,
    Failures: outcomes.filter(isFailure).length,
    LateStarts: late.length,
    MinutesLate: late.length > 0 ? Math.max(...late) : 0,
    HostedOutsideRuns: outcomes.filter((o) => o.desired === 'off' && RUNNING.has(o.observed)).length,
    RunsGivenUp: outcomes.filter(
      (o) => o.recorded === 'failed' || (o.result === 'failed' && o.action === 'start'),
    ).length,
    BudgetBlocks: outcomes.filter((o) => o.recorded === 'budget-blocked').length,
  };
};

/** A model whose pass ended in failure, or whose call the service answered with an error. */
const isFailure = (outcome: ModelOutcome): boolean =>
  outcome.result === 'failed' || outcome.errorCode !== undefined;

/**
 * The metric points of one pass, from its report and what the function measured around it. Pure.
 *
 * Fleet figures carry no dimension beyond service and stage (the alarms watch those); the same counts
 * per provider, failures per provider and error code, and calls per API serve the dashboard. No model
 * dimension: the decision line of the log names the model behind an alarm. A tick (not a shift edge)
 * adds `Heartbeat`, so a missing heartbeat means no reconcile pass ran.
 *
 * `MinutesLate` is the most late model's lateness; `HostedOutsideRuns` counts models billed while no
 * run wants them (desired off, observed hosted, starting or updating); `RunsGivenUp` counts runs the
 * pass closed as failed (hosting failed after the retries, or the model gone) and starts the service
 * refused for good.
 */
export const passMetrics = (report: PassReport, measures: PassMeasures): MetricPoint[] => {
  const count = (name: string, value: number, dimensions?: Record<string, string>): MetricPoint => ({
    name,
    unit:
      name === 'MinutesLate' || name === 'CostThisMonth' || name === 'UnitHoursThisMonth' ? 'None' : 'Count',
    value,
    ...(dimensions ? { dimensions } : {}),
  });
  const points: MetricPoint[] = [
    ...(report.trigger === 'tick' ? [count('Heartbeat', 1)] : []),
    { name: 'PassDuration', unit: 'Milliseconds', value: measures.durationMs },
    count('ModelsReconciled', report.outcomes.length),
    ...Object.entries(countsOf(report.outcomes)).map(([name, value]) => count(name, value)),
  ];
  if (report.refusedConfig) points.push(count('ConfigRefused', 1));
  if (measures.monthToDate) {
    points.push(count('UnitHoursThisMonth', measures.monthToDate.inferenceUnitHours));
    points.push(count('CostThisMonth', measures.monthToDate.cost));
  }

  const byProvider = groupBy(report.outcomes, (outcome) => outcome.provider ?? 'unknown');
  for (const [provider, outcomes] of byProvider) {
    const { MinutesLate: _fleetOnly, ...counts } = countsOf(outcomes);
    for (const [name, value] of Object.entries(counts)) points.push(count(name, value, { provider }));
    const failures = groupBy(outcomes.filter(isFailure), (outcome) => outcome.errorCode ?? 'Unknown');
    for (const [errorCode, failed] of failures) {
      points.push(count('Failures', failed.length, { provider, errorCode }));
    }
  }
  for (const [api, calls] of measures.calls ?? []) points.push(count('Calls', calls, { api }));
  return points;
};

const groupBy = <T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(keyOf(item), [...(groups.get(keyOf(item)) ?? []), item]);
  return groups;
};

/**
 * The fleet's inference-unit hours and cost so far in the (UTC) month of `at`, each model's month in
 * its own time zone as `shiftctl report` counts it. It reads every model's runs of the month, so the
 * reconcile function asks once an hour ({@link wantsMonthToDate}), not on every pass.
 */
export const monthToDate = async (
  deps: ReportDeps,
  at: Date,
): Promise<{ inferenceUnitHours: number; cost: number }> => {
  const { totals } = await monthlyReport(deps, at.toISOString().slice(0, 7), at);
  return { inferenceUnitHours: totals.inferenceUnitHours, cost: totals.cost };
};

/** Whether a tick at `at` reports the month so far: the first tick of each UTC hour (minutes 0–4). */
export const wantsMonthToDate = (at: Date): boolean => at.getUTCMinutes() < 5;

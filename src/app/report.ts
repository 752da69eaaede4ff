import { Temporal } from 'temporal-polyfill';
import { UsageError } from '../errors.ts';
import type { MonthlyBudget, SchedulerConfig } from '../schedule/config.ts';
import { resolvedModel } from '../schedule/config.ts';
import type { Window } from '../schedule/windows.ts';
import { windowsBetween } from '../schedule/windows.ts';
import { instantOfLocal } from '../schedule/zoned.ts';
import { appliedConfig, type ConfigRepository } from '../store/config-repository.ts';
import { isClosed, type RunRecord, runCost, runUnitHours } from '../store/run-record.ts';
import type { RunRepository } from '../store/run-repository.ts';
import { budgetAmount, budgetLimit, budgetScopeOf, monthOf } from './budget.ts';

const HOUR_MS = 3_600_000;
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Whether `text` names a calendar month as `YYYY-MM`. */
export const isMonthName = (text: string): boolean => MONTH.test(text);

/**
 * The calendar month `month` (`YYYY-MM`) in `timezone` as instants [from, to). Goes through
 * {@link monthOf} so reports and budget checks agree on where a month begins and ends.
 */
export const monthRange = (month: string, timezone: string): { month: string; from: Date; to: Date } => {
  if (!isMonthName(month)) throw new UsageError(`${JSON.stringify(month)} is not a month YYYY-MM`);
  // Local midnight of the 1st always falls on the 1st, even where midnight is skipped by DST.
  return monthOf(instantOfLocal(Temporal.PlainDate.from(`${month}-01`), 0, timezone), timezone);
};

/** A span of time a run was hosted or paid for; the end is `at` while the run is open. */
export interface RunPeriod {
  readonly runId: string;
  readonly start: Date;
  readonly end: Date;
}

/** Something on the timeline a reader should notice. */
export interface RunMark {
  readonly runId: string;
  readonly kind: 'late' | 'failed' | 'budget-blocked';
  readonly at: Date;
  /** One line for people, e.g. `hosted 12 min after early began`. */
  readonly text: string;
}

/** One run as the report counts it, its figures clipped to the month. */
export interface ReportRun {
  readonly runId: string;
  readonly outcome: RunRecord['outcome'];
  /** Whether the run's planned start lies in the month: only such runs are counted (runs, failed, late…). */
  readonly counted: boolean;
  readonly late: boolean;
  /** Minutes from the first window's start to HOSTED, when late. */
  readonly lateMinutes: number | undefined;
  readonly hostedHours: number;
  readonly inferenceUnitHours: number;
  readonly cost: number;
}

/** Where a model's spending counts: its own budget or its schedule's shared one (see {@link BudgetLine}). */
export interface BudgetRef {
  readonly scope: 'model' | 'schedule';
  readonly name: string;
}

/** Spend against one budget in the month. */
export interface BudgetLine extends BudgetRef {
  readonly models: readonly string[];
  readonly month: string;
  readonly from: Date;
  readonly to: Date;
  readonly unit: 'usd' | 'inferenceUnitHours';
  readonly spent: number;
  readonly limit: number;
  readonly exceeds: boolean;
}

/** Figures that are summed per model and in total. */
export interface ReportFigures {
  /** Hours paid for (billed span), clipped to the month. */
  readonly hostedHours: number;
  readonly inferenceUnitHours: number;
  readonly cost: number;
  /** What running around the clock for the whole month would have cost; see {@link ModelReport}. */
  readonly aroundTheClockCost: number;
  /** `aroundTheClockCost - cost`. */
  readonly saving: number;
  /** Saving as a percentage of the around-the-clock cost; undefined when that is 0 (a free model). */
  readonly savingPercent: number | undefined;
  readonly runs: number;
  readonly failed: number;
  readonly budgetBlocked: number;
  readonly late: number;
}

/**
 * One model's month.
 *
 * The around-the-clock baseline is what the model would have cost had it been hosted for every
 * hour of the calendar month (in its schedule's time zone, so 743 or 745 hours in a DST month)
 * with the highest `minInferenceUnits` among its schedule's shifts (the units it would need to
 * serve every shift without a restart) at the model's configured price.
 */
export interface ModelReport extends ReportFigures {
  readonly model: string;
  readonly schedule: string;
  readonly timezone: string;
  readonly month: string;
  readonly from: Date;
  readonly to: Date;
  readonly hoursInMonth: number;
  readonly aroundTheClockUnits: number;
  readonly pricePerInferenceUnitHour: number;
  readonly budget: BudgetRef | undefined;
  /** The month's planned shift occurrences (whole, as the schedule engine gives them). */
  readonly windows: readonly Window[];
  /** HOSTED until stopped (or until `at` while open); not clipped. */
  readonly hostedPeriods: readonly RunPeriod[];
  /** The billed spans; not clipped. */
  readonly billedPeriods: readonly RunPeriod[];
  readonly marks: readonly RunMark[];
  /** Every run with billed time in the month or a planned start in it. */
  readonly runDetails: readonly ReportRun[];
}

/** A month's report: every model of the configuration, totals, and spend against budgets. */
export interface MonthlyReport {
  readonly month: string;
  /** Open runs are counted up to this instant. */
  readonly at: Date;
  readonly models: readonly ModelReport[];
  /** Sums of the models' figures (each model's month in its own time zone). */
  readonly totals: ReportFigures;
  readonly budgets: readonly BudgetLine[];
}

const hoursOf = (run: RunRecord, at: Date, clip: { from: Date; to: Date }): number =>
  run.minInferenceUnits > 0 ? runUnitHours(run, at, clip) / run.minInferenceUnits : 0;

const overlaps = (period: { start: Date; end: Date }, range: { from: Date; to: Date }): boolean =>
  period.start.getTime() < range.to.getTime() && period.end.getTime() > range.from.getTime();

const hostedPeriodOf = (run: RunRecord, at: Date): RunPeriod | undefined => {
  if (run.hostedAt === undefined) return undefined;
  const end = run.stoppedAt ?? run.billedUntil ?? (isClosed(run.outcome) ? run.updatedAt : at.toISOString());
  return { runId: run.runId, start: new Date(run.hostedAt), end: new Date(end) };
};

/** The same span `runUnitHours` counts: billedFrom until billedUntil, or until `at` while unknown. */
const billedPeriodOf = (run: RunRecord, at: Date): RunPeriod | undefined => {
  if (run.billedFrom === undefined) return undefined;
  return {
    runId: run.runId,
    start: new Date(run.billedFrom),
    end: new Date(run.billedUntil ?? at.toISOString()),
  };
};

/** How late a scheduled run became HOSTED; runs an override or a take-over began have no shift to be late for. */
const lateMinutesOf = (run: RunRecord): number | undefined => {
  const first = run.windows[0];
  if (run.origin !== 'schedule' || !first || run.hostedAt === undefined) return undefined;
  const late = Date.parse(run.hostedAt) - Date.parse(first.start);
  return late > 0 ? late / 60_000 : undefined;
};

const marksOf = (run: RunRecord, lateMinutes: number | undefined): RunMark[] => {
  const marks: RunMark[] = [];
  const shift = run.windows[0]?.shift ?? run.origin;
  if (lateMinutes !== undefined && run.hostedAt !== undefined) {
    marks.push({
      runId: run.runId,
      kind: 'late',
      at: new Date(run.hostedAt),
      text: `hosted ${Math.round(lateMinutes)} min after ${shift} began`,
    });
  }
  if (run.outcome === 'failed') {
    const at = run.errors.at(-1)?.at ?? run.stoppedAt ?? run.updatedAt;
    marks.push({
      runId: run.runId,
      kind: 'failed',
      at: new Date(at),
      text: `${shift} failed${run.note ? `: ${run.note}` : ''}`,
    });
  }
  if (run.outcome === 'budget-blocked') {
    const at = run.windows[0]?.start ?? run.plannedStartAt;
    marks.push({
      runId: run.runId,
      kind: 'budget-blocked',
      at: new Date(at),
      text: `${shift} blocked by budget${run.note ? `: ${run.note}` : ''}`,
    });
  }
  return marks;
};

const sumFigures = (parts: readonly Omit<ReportFigures, 'savingPercent'>[]): ReportFigures => {
  const sum = (pick: (part: Omit<ReportFigures, 'savingPercent'>) => number) =>
    parts.reduce((total, part) => total + pick(part), 0);
  const aroundTheClockCost = sum((p) => p.aroundTheClockCost);
  const saving = sum((p) => p.saving);
  return {
    hostedHours: sum((p) => p.hostedHours),
    inferenceUnitHours: sum((p) => p.inferenceUnitHours),
    cost: sum((p) => p.cost),
    aroundTheClockCost,
    saving,
    savingPercent: aroundTheClockCost > 0 ? (saving / aroundTheClockCost) * 100 : undefined,
    runs: sum((p) => p.runs),
    failed: sum((p) => p.failed),
    budgetBlocked: sum((p) => p.budgetBlocked),
    late: sum((p) => p.late),
  };
};

const budgetUnit = (budget: MonthlyBudget): BudgetLine['unit'] =>
  budget.usd !== undefined ? 'usd' : 'inferenceUnitHours';

/** One model's month from its runs (any runs may be passed; those of other models are ignored). */
const modelReport = (
  config: SchedulerConfig,
  model: string,
  runs: readonly RunRecord[],
  month: string,
  at: Date,
): ModelReport => {
  const resolved = resolvedModel(config, model);
  const range = monthRange(month, resolved.timezone);
  const details: ReportRun[] = [];
  const hostedPeriods: RunPeriod[] = [];
  const billedPeriods: RunPeriod[] = [];
  const marks: RunMark[] = [];
  for (const run of runs) {
    if (run.model !== model) continue;
    const planned = Date.parse(run.plannedStartAt);
    const counted = planned >= range.from.getTime() && planned < range.to.getTime();
    const hosted = hostedPeriodOf(run, at);
    const billed = billedPeriodOf(run, at);
    const inMonth = (period: RunPeriod | undefined) => period !== undefined && overlaps(period, range);
    if (!counted && !inMonth(billed) && !inMonth(hosted)) continue;
    const lateMinutes = lateMinutesOf(run);
    details.push({
      runId: run.runId,
      outcome: run.outcome,
      counted,
      late: lateMinutes !== undefined,
      lateMinutes,
      hostedHours: hoursOf(run, at, range),
      inferenceUnitHours: runUnitHours(run, at, range),
      cost: runCost(run, at, range),
    });
    if (hosted) hostedPeriods.push(hosted);
    if (billed) billedPeriods.push(billed);
    if (counted) marks.push(...marksOf(run, lateMinutes));
  }
  const counted = details.filter((run) => run.counted);
  const hoursInMonth = (range.to.getTime() - range.from.getTime()) / HOUR_MS;
  const aroundTheClockUnits = Math.max(...resolved.schedule.shifts.map((shift) => shift.minInferenceUnits));
  const aroundTheClockCost = hoursInMonth * aroundTheClockUnits * resolved.pricePerInferenceUnitHour;
  const cost = details.reduce((sum, run) => sum + run.cost, 0);
  const scope = budgetScopeOf(config, model);
  return {
    model,
    schedule: resolved.scheduleName,
    timezone: resolved.timezone,
    month: range.month,
    from: range.from,
    to: range.to,
    hoursInMonth,
    aroundTheClockUnits,
    pricePerInferenceUnitHour: resolved.pricePerInferenceUnitHour,
    hostedHours: details.reduce((sum, run) => sum + run.hostedHours, 0),
    inferenceUnitHours: details.reduce((sum, run) => sum + run.inferenceUnitHours, 0),
    cost,
    aroundTheClockCost,
    saving: aroundTheClockCost - cost,
    savingPercent:
      aroundTheClockCost > 0 ? ((aroundTheClockCost - cost) / aroundTheClockCost) * 100 : undefined,
    runs: counted.length,
    failed: counted.filter((run) => run.outcome === 'failed').length,
    budgetBlocked: counted.filter((run) => run.outcome === 'budget-blocked').length,
    late: counted.filter((run) => run.late).length,
    budget: scope
      ? { scope: scope.level, name: scope.level === 'schedule' ? resolved.scheduleName : model }
      : undefined,
    windows: windowsBetween(config, range.from, range.to, { model }),
    hostedPeriods,
    billedPeriods,
    marks: marks.sort((a, b) => a.at.getTime() - b.at.getTime()),
    runDetails: details,
  };
};

/**
 * The month's report from runs already read: pure, so it is tested without I/O.
 *
 * The month is the calendar month in each model's schedule time zone. Hours, unit-hours and cost
 * count each run's billed span clipped to the month (open runs up to `at`), exactly as
 * `shiftctl runs` counts a run and the budget check counts spending. Run counts (runs, failed,
 * budget-blocked, late) take the runs whose planned start lies in the month, so a night shift
 * across the month's edge is counted once while its cost is split. A run is late when it was
 * first observed HOSTED after its first shift window began. Nothing is rounded here.
 *
 * Budgets: one line per model budget, and one per schedule budget (shared by the schedule's
 * models, shown once).
 */
export const buildReport = (
  config: SchedulerConfig,
  runs: readonly RunRecord[],
  month: string,
  at: Date,
): MonthlyReport => {
  const models = config.models.map((model) => modelReport(config, model.id, runs, month, at));
  const budgets: BudgetLine[] = [];
  const seen = new Set<string>();
  for (const report of models) {
    const scope = budgetScopeOf(config, report.model);
    if (!scope || !report.budget) continue;
    const key = `${report.budget.scope}:${report.budget.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const members = models.filter((m) => scope.models.includes(m.model));
    const spend = {
      inferenceUnitHours: members.reduce((sum, m) => sum + m.inferenceUnitHours, 0),
      cost: members.reduce((sum, m) => sum + m.cost, 0),
    };
    const spent = budgetAmount(scope.budget, spend);
    const limit = budgetLimit(scope.budget);
    budgets.push({
      ...report.budget,
      models: scope.models,
      month: report.month,
      from: report.from,
      to: report.to,
      unit: budgetUnit(scope.budget),
      spent,
      limit,
      exceeds: spent > limit,
    });
  }
  return { month, at, models, totals: sumFigures(models), budgets };
};

/** The stores {@link monthlyReport} reads. */
export interface ReportDeps {
  readonly configs: Pick<ConfigRepository, 'current'>;
  readonly runs: Pick<RunRepository, 'list'>;
}

// A run is found by its planned span; one stopped late (or started early) may be billed a little
// past it, so the query reaches this far beyond the month and the clipping does the rest.
const QUERY_SLACK_MS = 2 * 24 * HOUR_MS;

/**
 * The report of `month` (`YYYY-MM`) from the configuration in force and the runs table, open runs
 * counted up to `at`. See {@link buildReport} for what is counted how.
 *
 * @throws UsageError when `month` is not `YYYY-MM`; NotConfiguredError when no configuration has been applied
 */
export const monthlyReport = async (deps: ReportDeps, month: string, at: Date): Promise<MonthlyReport> => {
  if (!isMonthName(month)) throw new UsageError(`${JSON.stringify(month)} is not a month YYYY-MM`);
  const { config } = await appliedConfig(deps.configs);
  const runs = await Promise.all(
    config.models.map((model) => {
      const range = monthRange(month, resolvedModel(config, model.id).timezone);
      return deps.runs.list(model.id, {
        since: new Date(range.from.getTime() - QUERY_SLACK_MS),
        until: new Date(range.to.getTime() + QUERY_SLACK_MS),
      });
    }),
  );
  return buildReport(config, runs.flat(), month, at);
};

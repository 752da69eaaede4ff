import type { MonthlyBudget, SchedulerConfig } from '../schedule/config.ts';
import { resolvedModel } from '../schedule/config.ts';
import type { WantedRun } from '../schedule/lifecycle.ts';
import { instantOfLocal, localDateOf } from '../schedule/zoned.ts';
import { runCost, runUnitHours } from '../store/run-record.ts';
import type { RunRepository } from '../store/run-repository.ts';

const hourMs = 60 * 60 * 1000;

/** A budget and the models that share it. */
export interface BudgetScope {
  readonly budget: MonthlyBudget;
  /** `model` when the model sets its own budget (or inherits the defaults'), `schedule` when its schedule does. */
  readonly level: 'model' | 'schedule';
  readonly models: readonly string[];
  readonly timezone: string;
}

/**
 * The budget a model's spending counts against: its own, else its schedule's (shared by every model
 * of the schedule), else the defaults' (per model). Undefined when there is none.
 */
export const budgetScopeOf = (config: SchedulerConfig, model: string): BudgetScope | undefined => {
  const resolved = resolvedModel(config, model);
  if (!resolved.monthlyBudget) return undefined;
  const shared = resolved.model.monthlyBudget === undefined && resolved.schedule.monthlyBudget !== undefined;
  return {
    budget: resolved.monthlyBudget,
    level: shared ? 'schedule' : 'model',
    models: shared
      ? config.models.filter((m) => m.schedule === resolved.scheduleName).map((m) => m.id)
      : [model],
    timezone: resolved.timezone,
  };
};

/** The calendar month containing `at` in `timezone`, as instants, and its `YYYY-MM` name. */
export const monthOf = (at: Date, timezone: string): { month: string; from: Date; to: Date } => {
  const first = localDateOf(at, timezone).with({ day: 1 });
  return {
    month: first.toString().slice(0, 7),
    from: instantOfLocal(first, 0, timezone),
    to: instantOfLocal(first.add({ months: 1 }), 0, timezone),
  };
};

/** Spending of some models' runs within [from, to), counting open runs up to `at`. */
export const spendBetween = async (
  runs: RunRepository,
  models: readonly string[],
  range: { from: Date; to: Date },
  at: Date,
): Promise<{ inferenceUnitHours: number; cost: number }> => {
  let inferenceUnitHours = 0;
  let cost = 0;
  for (const model of models) {
    for (const run of await runs.list(model, { since: range.from, until: range.to })) {
      inferenceUnitHours += runUnitHours(run, at, range);
      cost += runCost(run, at, range);
    }
  }
  return { inferenceUnitHours, cost };
};

/** The amount a budget counts: dollars or inference-unit hours. */
export const budgetAmount = (
  budget: MonthlyBudget,
  spend: { inferenceUnitHours: number; cost: number },
): number => (budget.usd !== undefined ? spend.cost : spend.inferenceUnitHours);

export const budgetLimit = (budget: MonthlyBudget): number =>
  budget.usd ?? budget.inferenceUnitHours ?? Number.POSITIVE_INFINITY;

export const formatBudgetAmount = (budget: MonthlyBudget, amount: number): string =>
  budget.usd !== undefined ? `${amount.toFixed(2)} USD` : `${amount.toFixed(1)} unit-hours`;

/**
 * Whether starting `wanted` now would take the month's spending past the model's budget: the
 * month-to-date spending of every model sharing the budget, plus what this run costs from now
 * until its end within the month. Returns the reason to block, or undefined to go ahead.
 */
export const budgetCheck = async (
  runs: RunRepository,
  config: SchedulerConfig,
  model: string,
  wanted: WantedRun,
  at: Date,
): Promise<string | undefined> => {
  const scope = budgetScopeOf(config, model);
  if (!scope) return undefined;
  const month = monthOf(at, scope.timezone);
  const spent = await spendBetween(runs, scope.models, { from: month.from, to: at }, at);
  const from = Math.max(at.getTime(), wanted.startAt.getTime());
  const to = Math.min(wanted.end.getTime(), month.to.getTime());
  const unitHours = (Math.max(0, to - from) / hourMs) * wanted.minInferenceUnits;
  const run = {
    inferenceUnitHours: unitHours,
    cost: unitHours * resolvedModel(config, model).pricePerInferenceUnitHour,
  };
  const limit = budgetLimit(scope.budget);
  const projected = budgetAmount(scope.budget, spent) + budgetAmount(scope.budget, run);
  if (projected <= limit) return undefined;
  return `${scope.level} budget for ${month.month}: ${formatBudgetAmount(scope.budget, budgetAmount(scope.budget, spent))} spent + ${formatBudgetAmount(scope.budget, budgetAmount(scope.budget, run))} for this run > ${formatBudgetAmount(scope.budget, limit)}`;
};

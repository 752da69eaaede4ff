import type { SchedulerConfig } from '../schedule/config.ts';
import { resolvedModel } from '../schedule/config.ts';
import type { Override } from '../schedule/desired.ts';
import { planBetween } from '../schedule/plan.ts';
import { budgetAmount, budgetLimit, budgetScopeOf, monthOf } from './budget.ts';

/** A month's projected spending against one budget, from the shift plan alone. */
export interface BudgetProjection {
  /** `model` for a model's own (or the defaults') budget, `schedule` for one its models share. */
  readonly scope: 'model' | 'schedule';
  /** The model id or the schedule name. */
  readonly name: string;
  readonly models: readonly string[];
  /** `YYYY-MM` in the budget's time zone. */
  readonly month: string;
  readonly from: Date;
  readonly to: Date;
  readonly projected: number;
  readonly limit: number;
  readonly unit: 'usd' | 'inferenceUnitHours';
  readonly exceeds: boolean;
}

/**
 * Projected spending of the whole planned month (of one model, or every model sharing the budget)
 * from the plan: minimum units from each start action to its stop, as {@link planBetween} counts.
 * Overrides apply from `from` on (they are in force then), not before.
 */
const projectMonth = (
  config: SchedulerConfig,
  models: readonly string[],
  month: { from: Date; to: Date },
  from: Date,
  overrides: readonly Override[],
): { inferenceUnitHours: number; cost: number } => {
  // Split at `from`: the past part of the month follows the schedule, the rest the overrides too.
  // Runs get the same ids and starts whatever the range, so the two parts add up.
  const split = Math.min(Math.max(from.getTime(), month.from.getTime()), month.to.getTime());
  const parts: { from: Date; to: Date; overrides: readonly Override[] }[] = [
    { from: month.from, to: new Date(split), overrides: [] },
    { from: new Date(split), to: month.to, overrides },
  ];
  let inferenceUnitHours = 0;
  let cost = 0;
  for (const part of parts) {
    if (part.from.getTime() >= part.to.getTime()) continue;
    for (const model of models) {
      const plan = planBetween(config, part.from, part.to, { model, overrides: part.overrides });
      inferenceUnitHours += plan.totals.inferenceUnitHours;
      cost += plan.totals.cost;
    }
  }
  return { inferenceUnitHours, cost };
};

/**
 * For every budget that the planned models count against, the projected total of each calendar
 * month (in the budget's time zone) that [from, to) touches, against the budget's limit. A
 * schedule's shared budget appears once, with every model of the schedule counted, even when the
 * plan is for one model only. Pure: no runs table, no clock.
 */
export const projectBudgets = (
  config: SchedulerConfig,
  from: Date,
  to: Date,
  options: { model?: string; overrides?: readonly Override[] } = {},
): BudgetProjection[] => {
  const models = options.model === undefined ? config.models.map((m) => m.id) : [options.model];
  const projections: BudgetProjection[] = [];
  const seen = new Set<string>();
  for (const model of models) {
    const scope = budgetScopeOf(config, model);
    if (!scope) continue;
    const name = scope.level === 'schedule' ? resolvedModel(config, model).scheduleName : model;
    if (seen.has(`${scope.level}:${name}`)) continue;
    seen.add(`${scope.level}:${name}`);
    for (
      let month = monthOf(from, scope.timezone);
      month.from.getTime() < to.getTime();
      month = monthOf(month.to, scope.timezone)
    ) {
      const spend = projectMonth(config, scope.models, month, from, options.overrides ?? []);
      const projected = budgetAmount(scope.budget, spend);
      const limit = budgetLimit(scope.budget);
      projections.push({
        scope: scope.level,
        name,
        models: scope.models,
        month: month.month,
        from: month.from,
        to: month.to,
        projected,
        limit,
        unit: scope.budget.usd !== undefined ? 'usd' : 'inferenceUnitHours',
        exceeds: projected > limit,
      });
    }
  }
  return projections;
};

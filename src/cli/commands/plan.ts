import type { Command } from 'commander';
import { Temporal } from 'temporal-polyfill';
import { activeOverrides } from '../../app/overrides.ts';
import { type BudgetProjection, projectBudgets } from '../../app/plan-budgets.ts';
import { UsageError } from '../../platform/errors.ts';
import type { SchedulerConfig } from '../../schedule/config.ts';
import { resolvedModel } from '../../schedule/config.ts';
import type { Plan } from '../../schedule/plan.ts';
import { planBetween } from '../../schedule/plan.ts';
import type { Action, Run } from '../../schedule/runs.ts';
import type { Window } from '../../schedule/windows.ts';
import { instantOfLocal, localDateOf, localHhmm } from '../../schedule/zoned.ts';
import { parseInstantOption, readConfigFile, withDeps } from '../context.ts';
import type { CliIo } from '../io.ts';
import type { BarCell, Paint } from '../render.ts';
import {
  barSlotMinutes,
  dayBar,
  dayBarRuler,
  formatInZone,
  formatUsd,
  formatUtc,
  painter,
  renderTable,
  roundTo,
} from '../render.ts';

interface PlanOptions {
  file?: string;
  from?: string;
  to?: string;
  model?: string;
  json?: boolean;
}

const units = (value: { minInferenceUnits?: number; maxInferenceUnits?: number }): string =>
  value.minInferenceUnits === undefined
    ? ''
    : value.maxInferenceUnits === undefined || value.maxInferenceUnits === value.minInferenceUnits
      ? `${value.minInferenceUnits}`
      : `${value.minInferenceUnits}–${value.maxInferenceUnits}`;

const withMax = (max: number | undefined) => (max === undefined ? {} : { maxInferenceUnits: max });

const budgetToJson = (budget: BudgetProjection) => ({
  scope: budget.scope,
  name: budget.name,
  models: budget.models,
  month: budget.month,
  from: budget.from.toISOString(),
  to: budget.to.toISOString(),
  projected: roundTo(budget.projected, budget.unit === 'usd' ? 2 : 3),
  limit: budget.limit,
  unit: budget.unit,
  exceeds: budget.exceeds,
});

/**
 * The `--json` document: INTERFACE.md's shape (windows, actions, totals) plus runs, models, notes
 * and the projected month totals against budgets (from {@link projectBudgets}).
 */
export const planToJson = (plan: Plan, budgets: readonly BudgetProjection[] = []) => ({
  from: plan.from.toISOString(),
  to: plan.to.toISOString(),
  windows: plan.windows.map((w: Window) => ({
    model: w.model,
    shift: w.shift,
    start: w.start.toISOString(),
    end: w.end.toISOString(),
    minInferenceUnits: w.minInferenceUnits,
    ...withMax(w.maxInferenceUnits),
    schedule: w.schedule,
    localDate: w.localDate,
  })),
  actions: plan.actions.map((a: Action) => ({
    model: a.model,
    action: a.action,
    at: a.at.toISOString(),
    ...(a.minInferenceUnits === undefined ? {} : { minInferenceUnits: a.minInferenceUnits }),
    ...withMax(a.maxInferenceUnits),
    runId: a.runId,
    ...(a.shift === undefined ? {} : { shift: a.shift }),
  })),
  runs: plan.runs.map((r: Run) => ({
    model: r.model,
    runId: r.runId,
    schedule: r.schedule,
    shifts: r.windows.map((w) => w.shift),
    startAt: r.startAt.toISOString(),
    start: r.start.toISOString(),
    end: r.end.toISOString(),
    minInferenceUnits: r.minInferenceUnits,
    ...withMax(r.maxInferenceUnits),
  })),
  totals: {
    inferenceUnitHours: roundTo(plan.totals.inferenceUnitHours, 3),
    cost: roundTo(plan.totals.cost, 2),
  },
  models: plan.models.map((m) => ({
    model: m.model,
    hostedHours: roundTo(m.hostedHours, 3),
    inferenceUnitHours: roundTo(m.inferenceUnitHours, 3),
    cost: roundTo(m.cost, 2),
  })),
  notes: plan.notes,
  budgets: budgets.map(budgetToJson),
});

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `#` in a shift, `=` hosted outside a shift (the lead, or a bridged gap), `.` not hosted, blank outside the range. */
const planCell =
  (windows: readonly Window[], runs: readonly Run[], plan: Plan) =>
  (t: number): BarCell => {
    const inside = (span: { start: Date; end: Date }) => span.start.getTime() <= t && t < span.end.getTime();
    if (t < plan.from.getTime() || t >= plan.to.getTime()) return { char: ' ' };
    if (windows.some(inside)) return { char: '#', colour: 'green' };
    if (runs.some((run) => run.startAt.getTime() <= t && t < run.end.getTime()))
      return { char: '=', colour: 'yellow' };
    return { char: '.', colour: 'dim' };
  };

const renderTimeline = (config: SchedulerConfig, plan: Plan, paint: Paint): string[] => {
  const lines: string[] = [];
  for (const { model } of plan.models) {
    const resolved = resolvedModel(config, model);
    const tz = resolved.timezone;
    const windows = plan.windows.filter((w) => w.model === model);
    const runs = plan.runs.filter((r) => r.model === model);
    lines.push(
      '',
      paint('bold', `${model}`) +
        `  schedule ${resolved.scheduleName}, ${tz}, lead ${resolved.leadMinutes} min, unitChange ${resolved.unitChange}`,
      `${' '.repeat(16)}${paint('dim', dayBarRuler())}`,
    );
    const last = localDateOf(new Date(plan.to.getTime() - 1), tz);
    for (
      let date = localDateOf(plan.from, tz);
      Temporal.PlainDate.compare(date, last) <= 0;
      date = date.add({ days: 1 })
    ) {
      const label = `${WEEKDAYS[date.dayOfWeek - 1]} ${date.toString()}`;
      const hours =
        (instantOfLocal(date.add({ days: 1 }), 0, tz).getTime() - instantOfLocal(date, 0, tz).getTime()) /
        3_600_000;
      const started = windows.filter((w) => w.localDate === date.toString());
      const shifts = started.map(
        (w) => `${w.shift} ${localHhmm(w.start, tz)}–${localHhmm(w.end, tz)} (${units(w)})`,
      );
      const extras = [
        ...(resolved.closedDates.has(date.toString()) ? [paint('red', 'closed')] : []),
        ...(hours === 24 ? [] : [paint('cyan', `${hours} h day: clocks change`)]),
      ];
      lines.push(
        `${label}  ${dayBar(date, tz, planCell(windows, runs, plan), paint)}  ${[...shifts, ...extras].join(', ')}`.trimEnd(),
      );
    }
  }
  return lines;
};

const budgetAmountText = (unit: BudgetProjection['unit'], amount: number): string =>
  unit === 'usd' ? `${roundTo(amount, 2).toFixed(2)} USD` : `${roundTo(amount, 1).toFixed(1)} unit-h`;

/** The projected month totals against budgets, one row per budget and month. */
const renderBudgets = (budgets: readonly BudgetProjection[], paint: Paint): string[] => {
  if (budgets.length === 0) return [];
  const rows = budgets.map((budget) => {
    const share = budget.limit > 0 ? Math.round((budget.projected / budget.limit) * 100) : 0;
    const used = `${budgetAmountText(budget.unit, budget.projected)} / ${budgetAmountText(budget.unit, budget.limit)} (${share} %)`;
    return [
      budget.scope === 'schedule' ? `schedule ${budget.name} (${budget.models.join(', ')})` : budget.name,
      budget.month,
      budget.exceeds ? paint('red', used) : used,
      budget.exceeds ? paint('red', 'exceeds budget') : paint('green', 'within budget'),
    ];
  });
  return [
    '',
    'Budgets (projected whole-month total from the plan, without runs recorded so far)',
    renderTable(['BUDGET', 'MONTH', { header: 'PROJECTED / LIMIT', align: 'right' }, ''], rows),
  ];
};

/** The plan for people: actions table, per-model day timelines, totals, budgets, notes. */
export const renderPlan = (
  config: SchedulerConfig,
  plan: Plan,
  paint: Paint,
  budgets: readonly BudgetProjection[] = [],
): string => {
  const lines: string[] = [`Plan ${plan.from.toISOString()} → ${plan.to.toISOString()}`, ''];
  if (plan.actions.length === 0) {
    lines.push('No start or stop actions in this range.');
  } else {
    const rows = plan.actions.map((action) => {
      const tz = resolvedModel(config, action.model).timezone;
      return [
        formatInZone(action.at, tz),
        formatUtc(action.at),
        action.model,
        paint(action.action === 'start' ? 'green' : 'red', action.action),
        units(action),
        action.shift ?? '',
      ];
    });
    lines.push(
      renderTable(
        ['LOCAL TIME', 'UTC', 'MODEL', 'ACTION', { header: 'UNITS', align: 'right' }, 'SHIFT'],
        rows,
      ),
    );
  }
  lines.push(
    '',
    `Timeline (local time, one character = ${barSlotMinutes} min; # shift, = hosted ahead of or between shifts, . off)`,
  );
  lines.push(...renderTimeline(config, plan, paint));
  lines.push(
    '',
    'Projected (minimum units from each start action to the stop; auto-scaling above it not included)',
  );
  lines.push(
    renderTable(
      [
        'MODEL',
        { header: 'HOSTED H', align: 'right' },
        { header: 'UNIT-HOURS', align: 'right' },
        { header: 'COST', align: 'right' },
      ],
      [
        ...plan.models.map((m) => [
          m.model,
          roundTo(m.hostedHours, 2).toFixed(2),
          roundTo(m.inferenceUnitHours, 2).toFixed(2),
          formatUsd(m.cost),
        ]),
        ['total', '', roundTo(plan.totals.inferenceUnitHours, 2).toFixed(2), formatUsd(plan.totals.cost)],
      ],
    ),
  );
  lines.push(...renderBudgets(budgets, paint));
  if (plan.notes.length > 0) {
    lines.push('', 'Notes');
    for (const note of plan.notes) lines.push(`  - ${note}`);
  }
  return lines.join('\n');
};

const HELP = `
The plan shows every shift occurrence (window) overlapping [--from, --to), the start and stop
actions in it (a start comes leadMinutes before a run; back-to-back shifts run on without a stop),
and projected inference-unit hours and cost at the minimum units. Times in --json are UTC.

Examples:
  shiftctl plan -f shifts.yml --from 2027-03-22T00:00:00Z --to 2027-03-29T00:00:00Z
  shiftctl plan -f shifts.yml --from 2027-03-26T00:00+01:00 --to 2027-03-27T00:00+01:00 --model pcb-line-1
  shiftctl plan -f shifts.yml --from 2027-03-01T00:00:00Z --to 2027-04-01T00:00:00Z --json
`;

/** `shiftctl plan`: the hosting windows, actions and projected cost between two instants. */
export const registerPlanCommand = (program: Command, io: CliIo): void => {
  program
    .command('plan')
    .description('show hosting windows, start/stop actions and projected inference-unit hours and cost')
    .option(
      '-f, --file <FILE>',
      'plan from this shifts.yml only (needs no AWS); without it, from the config table',
    )
    .option('--from <ISO>', 'start of the range, an ISO 8601 instant (inclusive)')
    .option('--to <ISO>', 'end of the range, an ISO 8601 instant (exclusive)')
    .option('--model <ID>', 'only this model')
    .option('--json', 'print one JSON object (UTC instants)')
    .addHelpText('after', HELP)
    .action(async (options: PlanOptions) => {
      const from = parseInstantOption('--from', options.from);
      const to = parseInstantOption('--to', options.to);
      if (from.getTime() >= to.getTime()) {
        throw new UsageError(
          `--from ${options.from} is not before --to ${options.to}; give a range that moves forward`,
        );
      }
      // From a file: that file only, no AWS. Without one: the config in force, with its overrides.
      const { config, overrides } =
        options.file === undefined
          ? await withDeps(io, async (deps) => {
              const applied = await deps.configs.current();
              if (!applied) {
                throw new UsageError(
                  'no configuration has been applied yet: run `shiftctl apply -f shifts.yml`, or plan -f FILE',
                );
              }
              return {
                config: applied.config,
                overrides: activeOverrides(await deps.configs.listOverrides(), from),
              };
            })
          : { config: readConfigFile(options.file), overrides: [] };
      if (options.model !== undefined) resolvedModel(config, options.model); // unknown model → UsageError
      const plan = planBetween(config, from, to, {
        ...(options.model === undefined ? {} : { model: options.model }),
        overrides,
      });
      const budgets = projectBudgets(config, from, to, {
        ...(options.model === undefined ? {} : { model: options.model }),
        overrides,
      });
      if (options.json) io.out(`${JSON.stringify(planToJson(plan, budgets), null, 2)}\n`);
      else io.out(`${renderPlan(config, plan, painter(io.isTty), budgets)}\n`);
    });
};

import type { Command } from 'commander';
import { overrideOf } from '../../app/overrides.ts';
import { type BudgetProjection, projectBudgets } from '../../app/plan-budgets.ts';
import { withPriorsOnly, withRecordedStarts } from '../../app/recorded-starts.ts';
import { UsageError } from '../../errors.ts';
import type { ResolvedModel, SchedulerConfig } from '../../schedule/config.ts';
import { resolvedModel } from '../../schedule/config.ts';
import { describeLead, type Lead } from '../../schedule/lead.ts';
import type { Plan } from '../../schedule/plan.ts';
import { planBetween } from '../../schedule/plan.ts';
import type { Action, Run } from '../../schedule/runs.ts';
import { compareText, type Window } from '../../schedule/windows.ts';
import { appliedConfig } from '../../store/config-repository.ts';
import { parseInstantOption, readConfigFile, withDeps } from '../context.ts';
import {
  formatBudgetProjection,
  formatDayLabel,
  formatHours,
  formatInZone,
  formatUnits,
  formatUsd,
  formatUtc,
  roundTo,
} from '../format.ts';
import type { CliIo } from '../io.ts';
import type { BarCell, Paint, ZoneClock } from '../render.ts';
import {
  barSlotMinutes,
  dayBarRuler,
  formatOnClock,
  hhmmOnClock,
  localDatesBetween,
  localDay,
  painter,
  renderTable,
  right,
  slotBar,
  zoneClock,
} from '../render.ts';

interface PlanOptions {
  file?: string;
  from?: string;
  to?: string;
  model?: string;
  json?: boolean;
}

const withMax = (max: number | undefined) => (max === undefined ? {} : { maxInferenceUnits: max });

/** A run's lead in `--json`: minutes, source, and for a learned lead the starts and quantile behind it. */
const leadToJson = (lead: Lead) => ({
  leadMinutes: lead.minutes,
  leadSource: lead.source,
  ...(lead.source === 'fixed' ? {} : { leadSamples: lead.samples }),
  ...(lead.quantile === undefined ? {} : { leadQuantile: roundTo(lead.quantile, 3) }),
});

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
    ...(a.lead === undefined ? {} : leadToJson(a.lead)),
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
    ...leadToJson(r.lead),
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

/** A model's lead setting for people: `20 min`, or `auto (99.5 % of shift minutes, at most 60 min)`. */
const leadSettingText = (resolved: ResolvedModel): string =>
  resolved.leadMinutes === 'auto'
    ? `auto (${roundTo(resolved.coverageTarget * 100, 3)} % of shift minutes, at most ${resolved.maxLeadMinutes} min)`
    : `${resolved.leadMinutes} min`;

/** A span of instants, [start, end) in epoch milliseconds. */
type Span = readonly [start: number, end: number];

/** The sorted, disjoint spans covering what `spans` cover, so a lookup is a binary search. */
const unionOf = (spans: readonly Span[]): Span[] => {
  const merged: [number, number][] = [];
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (end <= start) continue;
    const last = merged.at(-1);
    if (last !== undefined && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
};

/** Whether `t` falls in one of the sorted, disjoint `spans`. */
const covers = (spans: readonly Span[], t: number): boolean => {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((spans[middle]?.[1] ?? 0) <= t) low = middle + 1;
    else high = middle;
  }
  const span = spans[low];
  return span !== undefined && span[0] <= t;
};

const OUT_OF_RANGE: BarCell = { char: ' ' };
const IN_SHIFT: BarCell = { char: '#', colour: 'green' };
const HOSTED_OUTSIDE_SHIFT: BarCell = { char: '=', colour: 'yellow' };
const NOT_HOSTED: BarCell = { char: '.', colour: 'dim' };

/** `#` in a shift, `=` hosted outside a shift (the lead, or a bridged gap), `.` not hosted, blank outside the range. */
const planCell = (shifts: readonly Span[], hosted: readonly Span[], plan: Plan) => {
  const from = plan.from.getTime();
  const to = plan.to.getTime();
  return (t: number): BarCell => {
    if (t < from || t >= to) return OUT_OF_RANGE;
    if (covers(shifts, t)) return IN_SHIFT;
    if (covers(hosted, t)) return HOSTED_OUTSIDE_SHIFT;
    return NOT_HOSTED;
  };
};

/** A local day of the timeline, the same for every model in its zone. */
interface TimelineDay {
  readonly date: string;
  readonly label: string;
  readonly slots: readonly number[];
  readonly hours: number;
}

/** The local days of a zone that [from, to) touches, each with its bar slots and length. */
const timelineDays = (plan: Plan, clock: ZoneClock): TimelineDay[] =>
  localDatesBetween(plan.from, plan.to, clock.timeZone).map((date) => ({
    date: date.toString(),
    label: formatDayLabel(date),
    ...localDay(date, clock),
  }));

/** `items` grouped by `keyOf`, each group in the order of `items`. */
const groupBy = <T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
};

/** One {@link ZoneClock} per zone, for the whole rendering. */
const clocks = () => {
  const byZone = new Map<string, ZoneClock>();
  return (timeZone: string): ZoneClock => {
    let clock = byZone.get(timeZone);
    if (clock === undefined) {
      clock = zoneClock(timeZone);
      byZone.set(timeZone, clock);
    }
    return clock;
  };
};

/** One resolution per model, however many rows and days name it. */
const modelResolver = (config: SchedulerConfig) => {
  const resolved = new Map<string, ResolvedModel>();
  return (id: string): ResolvedModel => {
    let model = resolved.get(id);
    if (model === undefined) {
      model = resolvedModel(config, id);
      resolved.set(id, model);
    }
    return model;
  };
};

// Every model × day × slot is drawn, so the work per cell must not grow with the plan: a zone's
// days are converted once for all its models, and a cell is a binary search in merged spans.
const renderTimeline = (
  plan: Plan,
  paint: Paint,
  resolve: (id: string) => ResolvedModel,
  clockOf: (timeZone: string) => ZoneClock,
): string[] => {
  const lines: string[] = [];
  const windowsOf = groupBy(plan.windows, (window) => window.model);
  const runsOf = groupBy(plan.runs, (run) => run.model);
  const daysOf = new Map<string, TimelineDay[]>();
  for (const { model } of plan.models) {
    const resolved = resolve(model);
    const tz = resolved.timezone;
    const windows = windowsOf.get(model) ?? [];
    const startedOn = groupBy(windows, (window) => window.localDate);
    const cellAt = planCell(
      unionOf(windows.map((w) => [w.start.getTime(), w.end.getTime()])),
      unionOf((runsOf.get(model) ?? []).map((run) => [run.startAt.getTime(), run.end.getTime()])),
      plan,
    );
    const clock = clockOf(tz);
    let days = daysOf.get(tz);
    if (days === undefined) {
      days = timelineDays(plan, clock);
      daysOf.set(tz, days);
    }
    lines.push(
      '',
      paint('bold', `${model}`) +
        `  schedule ${resolved.scheduleName}, ${tz}, lead ${leadSettingText(resolved)}, unitChange ${resolved.unitChange}`,
      `${' '.repeat(16)}${paint('dim', dayBarRuler())}`,
    );
    for (const day of days) {
      const shifts = (startedOn.get(day.date) ?? []).map(
        (w) => `${w.shift} ${hhmmOnClock(w.start, clock)}–${hhmmOnClock(w.end, clock)} (${formatUnits(w)})`,
      );
      const extras = [
        ...(resolved.closedDates.has(day.date) ? [paint('red', 'closed')] : []),
        ...(day.hours === 24 ? [] : [paint('cyan', `${day.hours} h day: clocks change`)]),
      ];
      lines.push(
        `${day.label}  ${slotBar(day.slots, cellAt, paint)}  ${[...shifts, ...extras].join(', ')}`.trimEnd(),
      );
    }
  }
  return lines;
};

/** The projected month totals against budgets, one row per budget and month. */
const renderBudgets = (budgets: readonly BudgetProjection[], paint: Paint): string[] => {
  if (budgets.length === 0) return [];
  const rows = budgets.map((budget) => {
    const used = formatBudgetProjection(budget.unit, budget.projected, budget.limit);
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
    renderTable(['BUDGET', 'MONTH', right('PROJECTED / LIMIT'), ''], rows),
  ];
};

/** The plan for people: actions table, per-model day timelines, totals, budgets, notes. */
export const renderPlan = (
  config: SchedulerConfig,
  plan: Plan,
  paint: Paint,
  budgets: readonly BudgetProjection[] = [],
): string => {
  const resolve = modelResolver(config);
  const clockOf = clocks();
  const lines: string[] = [`Plan ${plan.from.toISOString()} → ${plan.to.toISOString()}`];
  // The same range on the wall clocks of the schedules, zone by zone.
  const zones = [...new Set(plan.models.map(({ model }) => resolve(model).timezone))].sort(compareText);
  for (const zone of zones) {
    lines.push(`  ${zone}: ${formatInZone(plan.from, zone)} → ${formatInZone(plan.to, zone)}`);
  }
  lines.push('');
  if (plan.actions.length === 0) {
    lines.push('No start or stop actions in this range.');
  } else {
    const rows = plan.actions.map((action) => {
      const clock = clockOf(resolve(action.model).timezone);
      return [
        formatOnClock(action.at, clock),
        formatUtc(action.at),
        action.model,
        paint(action.action === 'start' ? 'green' : 'red', action.action),
        formatUnits(action),
        action.shift ?? '',
        action.lead ? describeLead(action.lead) : '',
      ];
    });
    lines.push(renderTable(['LOCAL TIME', 'UTC', 'MODEL', 'ACTION', right('UNITS'), 'SHIFT', 'LEAD'], rows));
  }
  lines.push(
    '',
    `Timeline (local time, one character = ${barSlotMinutes} min; # shift, = hosted ahead of or between shifts, . off)`,
  );
  // A loop, not push(...rows): a long plan has more rows than a call takes arguments.
  for (const line of renderTimeline(plan, paint, resolve, clockOf)) lines.push(line);
  lines.push(
    '',
    'Projected (minimum units from each start action to the stop; auto-scaling above it not included)',
  );
  lines.push(
    renderTable(
      ['MODEL', right('HOSTED H'), right('UNIT-HOURS'), right('COST')],
      [
        ...plan.models.map((m) => [
          m.model,
          formatHours(m.hostedHours),
          formatHours(m.inferenceUnitHours),
          formatUsd(m.cost),
        ]),
        ['total', '', formatHours(plan.totals.inferenceUnitHours), formatUsd(plan.totals.cost)],
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

/** How far a plan looks ahead when no --to is given: the coming seven days. */
const DEFAULT_RANGE_MS = 7 * 24 * 60 * 60 * 1000;

const HELP = `
Without --from and --to the plan covers the coming seven days from now; its header gives the
range in UTC and on the wall clock of each time zone the schedules use.

The plan shows every shift occurrence (window) overlapping [--from, --to), the start and stop
actions in it (a start comes leadMinutes before a run, each with the lead it takes and where that
comes from: fixed, the provider's prior, or learned from the model's recorded starts for
leadMinutes: auto; back-to-back shifts run on without a stop),
and projected inference-unit hours and cost at the minimum units. Times in --json are UTC.

Examples:
  shiftctl plan -f shifts.yml
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
    .option('--from <ISO>', 'start of the range, an ISO 8601 instant (inclusive; default: now)')
    .option(
      '--to <ISO>',
      'end of the range, an ISO 8601 instant (exclusive; default: seven days after --from)',
    )
    .option('--model <ID>', 'only this model')
    .option('--json', 'print one JSON object (UTC instants)')
    .addHelpText('after', HELP)
    .action(async (options: PlanOptions) => {
      const from = parseInstantOption('--from', options.from, new Date());
      const to = parseInstantOption('--to', options.to, new Date(from.getTime() + DEFAULT_RANGE_MS));
      if (from.getTime() >= to.getTime()) {
        throw new UsageError(
          `--from ${options.from ?? `(now, ${from.toISOString()})`} is not before --to ${options.to}; give a range that moves forward`,
        );
      }
      // From a file: that file only, no AWS. Without one: the config in force, with its overrides.
      // `auto` leads learn, run by run, from the starts recorded before each run, as the ticks do;
      // from a file there is no record, so they follow their providers' priors.
      const { config, overrides } =
        options.file === undefined
          ? await withDeps(io, async (deps) => {
              const applied = await appliedConfig(deps.configs);
              return {
                config: await withRecordedStarts(deps.runs, applied.config, from, to),
                overrides: (await deps.configs.listOverrides()).map(overrideOf),
              };
            })
          : { config: withPriorsOnly(readConfigFile(options.file)), overrides: [] };
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

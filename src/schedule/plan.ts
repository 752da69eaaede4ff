import type { SchedulerConfig } from './config.ts';
import { resolvedModel } from './config.ts';
import type { Override } from './desired.ts';
import { springForwardSkips } from './eventbridge.ts';
import { modelRunsBetween, type PlannedRun } from './lifecycle.ts';
import type { Action, Run } from './runs.ts';
import { actionsOfRuns, compareRuns } from './runs.ts';
import type { Window } from './windows.ts';
import { compareText, modelIdsOf, windowsBetween } from './windows.ts';
import { localHhmm } from './zoned.ts';

/** Projected use of one model over a plan's range. */
export interface ModelTotals {
  model: string;
  /** Hours hosted inside [from, to), lead included. */
  hostedHours: number;
  /** Minimum inference units × hosted hours: auto-scaling above the minimum is not forecast. */
  inferenceUnitHours: number;
  cost: number;
}

/** What the scheduler will do between two instants, and what it costs. */
export interface Plan {
  from: Date;
  to: Date;
  /** Every shift occurrence overlapping [from, to), whole, as {@link windowsBetween} gives them. */
  windows: Window[];
  /** Runs whose hosting span overlaps [from, to), after overrides: the runs the tick records. */
  runs: PlannedRun[];
  /** Start and stop actions in [from, to), by instant then model. */
  actions: Action[];
  totals: { inferenceUnitHours: number; cost: number };
  models: ModelTotals[];
  /** Things a reader must know: unit changes, bridged gaps, closed days, overrides, EventBridge skips. */
  notes: string[];
}

/** Options of {@link planBetween}. */
export interface PlanOptions {
  model?: string;
  /**
   * The models' overrides, the last one of a model winning; each holds from its `setAt` (from
   * `from` when it has none) until its `until`. An expired one still names what is left of a run
   * it stopped.
   */
  overrides?: readonly Override[];
}

const HOUR_MS = 3_600_000;

const unitsLabel = (units: { minInferenceUnits: number; maxInferenceUnits?: number }): string =>
  units.maxInferenceUnits === undefined || units.maxInferenceUnits === units.minInferenceUnits
    ? `${units.minInferenceUnits}`
    : `${units.minInferenceUnits}–${units.maxInferenceUnits}`;

/** Notes on how one model's runs treat back-to-back windows. */
const runNotes = (
  run: Run,
  timeZone: string,
  chainLead: string,
  chainLeadMinutes: number,
  notes: string[],
): void => {
  const units = new Set(run.windows.map((window) => unitsLabel(window)));
  if (units.size > 1) {
    notes.push(
      `${run.model}: run ${run.runId} covers ${run.windows.map((w) => `${w.shift} (${unitsLabel(w)})`).join(', ')}; ` +
        `unitChange keep-highest: hosted with ${unitsLabel(run)} unit(s) throughout, never stopped at a boundary`,
    );
  }
  if (run.afterRestart) {
    notes.push(
      `${run.model}: stopped and started at ${localHhmm(run.start, timeZone)} (${timeZone}) on ${run.windows[0]?.localDate ?? ''} ` +
        `to change units to ${unitsLabel(run)} (unitChange restart: about 10–20 minutes without inspection)`,
    );
  }
  for (let i = 1; i < run.windows.length; i += 1) {
    const previous = run.windows[i - 1];
    const window = run.windows[i];
    if (!previous || !window) continue;
    const gap = (window.start.getTime() - previous.end.getTime()) / 60_000;
    if (gap > 0 && gap <= chainLeadMinutes) {
      notes.push(
        `${run.model}: the ${gap}-minute gap before ${window.shift} on ${window.localDate} is within the ${chainLead}: kept running`,
      );
    }
  }
};

/** Notes on shift occurrences a closed day removed from [from, to). */
const closedNotes = (
  config: SchedulerConfig,
  modelId: string,
  from: Date,
  to: Date,
  kept: readonly Window[],
): string[] => {
  const resolved = resolvedModel(config, modelId);
  if (resolved.closedDates.size === 0) return [];
  const { calendar, ...open } = resolved.schedule;
  const openConfig: SchedulerConfig = {
    ...config,
    schedules: { ...config.schedules, [resolved.scheduleName]: open },
  };
  const keptKeys = new Set(kept.map((window) => `${window.shift}@${window.start.getTime()}`));
  const dropped = new Map<string, string[]>();
  for (const window of windowsBetween(openConfig, from, to, { model: modelId })) {
    if (keptKeys.has(`${window.shift}@${window.start.getTime()}`)) continue;
    dropped.set(window.localDate, [...(dropped.get(window.localDate) ?? []), window.shift]);
  }
  return [...dropped].map(
    ([date, shifts]) =>
      `${modelId}: ${date} is closed (calendar ${calendar ?? ''}): ${shifts.join(', ')} not hosted`,
  );
};

/**
 * The plan between two instants: windows, runs, start and stop actions, projected inference-unit
 * hours and cost, and notes. Inference-unit hours count the minimum units from each run's start
 * action (lead included) to its end, clipped to [from, to); cost is that times the model's price.
 * Numbers are not rounded here; round when printing.
 */
export const planBetween = (config: SchedulerConfig, from: Date, to: Date, options?: PlanOptions): Plan => {
  const range = options?.model === undefined ? undefined : { model: options.model };
  const modelIds = modelIdsOf(config, range);
  const windows = windowsBetween(config, from, to, range);
  const notes: string[] = [];
  const runs: PlannedRun[] = [];
  const models: ModelTotals[] = [];
  for (const modelId of modelIds) {
    const resolved = resolvedModel(config, modelId);
    const override = options?.overrides?.findLast((candidate) => candidate.model === modelId);
    const chainLead =
      resolved.leadMinutes === 'auto'
        ? `${resolved.chainLeadMinutes}-minute maxLeadMinutes of its auto lead`
        : `${resolved.chainLeadMinutes}-minute lead`;
    const { runs: own, notes: overrideNotes } = modelRunsBetween(config, modelId, from, to, override);
    notes.push(...overrideNotes);
    let hostedMs = 0;
    let unitHours = 0;
    for (const run of own) {
      runNotes(run, resolved.timezone, chainLead, resolved.chainLeadMinutes, notes);
      const ms = Math.min(run.end.getTime(), to.getTime()) - Math.max(run.startAt.getTime(), from.getTime());
      if (ms <= 0) continue;
      hostedMs += ms;
      unitHours += (ms / HOUR_MS) * run.minInferenceUnits;
    }
    notes.push(
      ...closedNotes(
        config,
        modelId,
        from,
        to,
        windows.filter((w) => w.model === modelId),
      ),
    );
    runs.push(...own);
    models.push({
      model: modelId,
      hostedHours: hostedMs / HOUR_MS,
      inferenceUnitHours: unitHours,
      cost: unitHours * resolved.pricePerInferenceUnitHour,
    });
  }
  runs.sort(compareRuns);
  for (const skip of springForwardSkips(config, from, to)) {
    const affected = skip.entry.models.filter((id) => modelIds.includes(id));
    if (affected.length === 0) continue;
    notes.push(
      `${skip.entry.schedule}: ${skip.entry.kind} at ${skip.entry.localTime} on ${skip.localDate} does not exist in ` +
        `${skip.entry.timezone} (clocks spring forward); EventBridge Scheduler skips it, the reconcile tick ` +
        `${skip.entry.kind}s ${affected.join(', ')} at ${skip.at.toISOString()}`,
    );
  }
  models.sort((a, b) => compareText(a.model, b.model));
  return {
    from,
    to,
    windows,
    runs,
    actions: actionsOfRuns(runs, from, to),
    totals: {
      inferenceUnitHours: models.reduce((sum, m) => sum + m.inferenceUnitHours, 0),
      cost: models.reduce((sum, m) => sum + m.cost, 0),
    },
    models,
    notes,
  };
};

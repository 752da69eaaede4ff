import type { ResolvedModel, SchedulerConfig } from './config.ts';
import { resolvedModel } from './config.ts';
import {
  autoLead,
  documentedPrior,
  FALLBACK_START_PRIOR,
  fixedLead,
  fleetPrior,
  type Lead,
  startsBeforeRun,
} from './lead.ts';
import { RUN_LOOK_AHEAD_DAYS, RUN_LOOK_BACK_DAYS } from './limits.ts';
import type { RangeOptions, Window } from './windows.ts';
import { compareText, modelIdsOf, windowsBetween } from './windows.ts';

/**
 * A run: one continuous hosting of a model, from a start action to a stop action, covering one or
 * more back-to-back windows.
 */
export interface Run {
  model: string;
  /**
   * `${model}@${first window start ISO}`: the same run gets the same id whatever range it was
   * queried with (see {@link RUN_LOOK_BACK_DAYS} for the one exception).
   */
  runId: string;
  schedule: string;
  windows: Window[];
  /** Start of the first window. */
  start: Date;
  /** End of the last window: the stop action. */
  end: Date;
  /** The start action: `start` minus {@link lead}, or `start` itself after a restart boundary. */
  startAt: Date;
  /**
   * The lead the run starts with: fixed, or learned for this run's shift minutes (`auto`); 0 and
   * fixed after a restart boundary, where the model is busy until the run begins.
   */
  lead: Lead;
  minInferenceUnits: number;
  maxInferenceUnits?: number;
  /** True when this run starts where the previous one was stopped to change units (`unitChange: restart`). */
  afterRestart?: true;
}

/** A start or stop the scheduler performs. */
export interface Action {
  model: string;
  action: 'start' | 'stop';
  at: Date;
  runId: string;
  /** Units to start with (start actions only). */
  minInferenceUnits?: number;
  maxInferenceUnits?: number;
  /** The shift the run begins with (start) or ends with (stop). */
  shift?: string;
  /** The lead the run starts with (start actions only). */
  lead?: Lead;
}

export { RUN_LOOK_AHEAD_DAYS, RUN_LOOK_BACK_DAYS };

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const sameUnits = (a: { minInferenceUnits: number; maxInferenceUnits?: number }, b: Window): boolean =>
  a.minInferenceUnits === b.minInferenceUnits && a.maxInferenceUnits === b.maxInferenceUnits;

const NO_LEAD = fixedLead(0);

const newRun = (window: Window, startAt: Date, afterRestart: boolean): Run => ({
  model: window.model,
  runId: `${window.model}@${window.start.toISOString()}`,
  schedule: window.schedule,
  windows: [window],
  start: window.start,
  end: window.end,
  startAt,
  lead: NO_LEAD,
  minInferenceUnits: window.minInferenceUnits,
  ...(window.maxInferenceUnits === undefined ? {} : { maxInferenceUnits: window.maxInferenceUnits }),
  ...(afterRestart ? { afterRestart: true as const } : {}),
});

/** Adds a window to a run that keeps running: the run takes the highest min and highest max. */
const extend = (run: Run, window: Window): void => {
  run.windows.push(window);
  if (window.end.getTime() > run.end.getTime()) run.end = window.end;
  run.minInferenceUnits = Math.max(run.minInferenceUnits, window.minInferenceUnits);
  if (run.maxInferenceUnits !== undefined || window.maxInferenceUnits !== undefined) {
    // A window without a max runs at exactly its min; the ceiling must still cover it.
    run.maxInferenceUnits = Math.max(
      run.maxInferenceUnits ?? run.minInferenceUnits,
      window.maxInferenceUnits ?? window.minInferenceUnits,
      run.minInferenceUnits,
    );
  }
};

/** Minutes of shift a run covers: its windows' union, so overlapping windows count once. */
export const shiftMinutesOf = (windows: readonly { start: Date; end: Date }[]): number => {
  let total = 0;
  let reached = Number.NEGATIVE_INFINITY;
  for (const window of [...windows].sort((a, b) => a.start.getTime() - b.start.getTime())) {
    const start = Math.max(window.start.getTime(), reached);
    if (window.end.getTime() > start) total += window.end.getTime() - start;
    reached = Math.max(reached, window.end.getTime());
  }
  return total / MINUTE_MS;
};

const providerModels = new WeakMap<SchedulerConfig['models'], Map<string, string[]>>();

/** The ids of `config`'s models of `provider`, worked out once per configuration. */
const modelsOfProvider = (config: SchedulerConfig, provider: string): string[] => {
  let byProvider = providerModels.get(config.models);
  if (!byProvider) {
    byProvider = new Map();
    providerModels.set(config.models, byProvider);
  }
  let ids = byProvider.get(provider);
  if (!ids) {
    ids = config.models.filter((model) => model.provider === provider).map((model) => model.id);
    byProvider.set(provider, ids);
  }
  return ids;
};

/**
 * The lead a run of `resolved`'s model starts with, given its windows: the fixed lead, or, for
 * `auto`, the one {@link autoLead} learns for the run's shift minutes from the starts in
 * `config.leadBook` recorded before the run's lead could begin (the provider's prior when there are
 * none).
 */
export const leadOfRun = (
  config: SchedulerConfig,
  resolved: ResolvedModel,
  windows: readonly { start: Date; end: Date }[],
): Lead => {
  if (resolved.leadMinutes !== 'auto') return fixedLead(resolved.leadMinutes);
  const { model } = resolved;
  const first = windows.reduce<Date | undefined>(
    (earliest, window) =>
      earliest && earliest.getTime() <= window.start.getTime() ? earliest : window.start,
    undefined,
  );
  const book = config.leadBook;
  const starts = book?.starts[model.id] ?? [];
  const documented = book?.priors[model.provider] ?? FALLBACK_START_PRIOR;
  const before = first ? new Date(first.getTime() - resolved.maxLeadMinutes * MINUTE_MS) : undefined;
  const siblings = modelsOfProvider(config, model.provider);
  return autoLead({
    durations: first ? startsBeforeRun(starts, first, resolved.maxLeadMinutes) : [],
    prior:
      book && before
        ? fleetPrior(book, model.provider, siblings, before, documented)
        : documentedPrior(documented),
    shiftMinutes: shiftMinutesOf(windows),
    coverageTarget: resolved.coverageTarget,
    maxLeadMinutes: resolved.maxLeadMinutes,
  });
};

/**
 * Groups one model's windows (sorted by start) into runs.
 *
 * A window that begins no later than the current run ends — back to back, overlapping, or after a
 * gap shorter than the chaining lead (stopping would only make the next start late) — continues
 * the run. Where its units differ and the schedule says `unitChange: restart`, the run is stopped at
 * the boundary and a new run with the new units starts right there, without lead (the model is busy
 * until then); with `keep-highest` (the default) the run keeps going with the highest units.
 *
 * Chaining uses `resolved.chainLeadMinutes` (for `auto`, `maxLeadMinutes`), which does not move
 * as starts are recorded; each run's own lead (`leadOf`, given its windows) is at most that,
 * so a run never starts before the previous one ends.
 */
export const runsOfWindows = (
  windows: readonly Window[],
  resolved: ResolvedModel,
  leadOf: (windows: readonly Window[]) => Lead = () => fixedLead(resolved.chainLeadMinutes),
): Run[] => {
  const runs: Run[] = [];
  const chainMs = resolved.chainLeadMinutes * MINUTE_MS;
  let current: Run | undefined;
  for (const window of windows) {
    const leadStart = new Date(window.start.getTime() - chainMs);
    if (current && leadStart.getTime() <= current.end.getTime()) {
      if (
        resolved.unitChange === 'restart' &&
        window.start.getTime() >= current.end.getTime() &&
        !sameUnits(current, window)
      ) {
        current = newRun(window, current.end, true);
        runs.push(current);
      } else {
        extend(current, window);
      }
      continue;
    }
    current = newRun(window, leadStart, false);
    runs.push(current);
  }
  for (const run of runs) {
    if (run.afterRestart) continue;
    const lead = leadOf(run.windows);
    run.lead = lead;
    run.startAt = new Date(
      run.start.getTime() - Math.min(lead.minutes, resolved.chainLeadMinutes) * MINUTE_MS,
    );
  }
  return runs;
};

/** Run order: start action instant, then model id. */
export const compareRuns = (a: Run, b: Run): number =>
  a.startAt.getTime() - b.startAt.getTime() || compareText(a.model, b.model);

/**
 * The runs of every model (or `options.model`) whose hosting span [startAt, end) overlaps
 * [from, to), lead included, sorted by start action then model. Runs are whole: a run that began
 * before `from` keeps its start and id (within {@link RUN_LOOK_BACK_DAYS}).
 */
export const runsBetween = (config: SchedulerConfig, from: Date, to: Date, options?: RangeOptions): Run[] => {
  if (!(from.getTime() < to.getTime())) return [];
  const runs: Run[] = [];
  for (const modelId of modelIdsOf(config, options)) {
    const resolved = resolvedModel(config, modelId);
    const windows = windowsBetween(
      config,
      new Date(from.getTime() - RUN_LOOK_BACK_DAYS * DAY_MS),
      new Date(to.getTime() + RUN_LOOK_AHEAD_DAYS * DAY_MS),
      { model: modelId },
    );
    const leadOf = (runWindows: readonly Window[]) => leadOfRun(config, resolved, runWindows);
    for (const run of runsOfWindows(windows, resolved, leadOf)) {
      if (run.startAt.getTime() < to.getTime() && run.end.getTime() > from.getTime()) runs.push(run);
    }
  }
  return runs.sort(compareRuns);
};

/** Action order: instant, then model id, then stop before start (a restart boundary reads stop, start). */
export const compareActions = (a: Action, b: Action): number =>
  a.at.getTime() - b.at.getTime() ||
  compareText(a.model, b.model) ||
  (a.action === b.action ? 0 : a.action === 'stop' ? -1 : 1);

/** The start and stop actions of `runs` that fall in [from, to), sorted by {@link compareActions}. */
export const actionsOfRuns = (runs: readonly Run[], from: Date, to: Date): Action[] => {
  const inRange = (at: Date) => at.getTime() >= from.getTime() && at.getTime() < to.getTime();
  const actions: Action[] = [];
  for (const run of runs) {
    if (inRange(run.startAt)) {
      actions.push({
        model: run.model,
        action: 'start',
        at: run.startAt,
        runId: run.runId,
        minInferenceUnits: run.minInferenceUnits,
        ...(run.maxInferenceUnits === undefined ? {} : { maxInferenceUnits: run.maxInferenceUnits }),
        ...(run.windows[0] ? { shift: run.windows[0].shift } : {}),
        lead: run.lead,
      });
    }
    if (inRange(run.end)) {
      const last = run.windows.findLast((window) => window.end.getTime() === run.end.getTime());
      actions.push({
        model: run.model,
        action: 'stop',
        at: run.end,
        runId: run.runId,
        ...(last ? { shift: last.shift } : {}),
      });
    }
  }
  return actions.sort(compareActions);
};

/** The start and stop actions in [from, to) of every model (or `options.model`). */
export const actionsBetween = (
  config: SchedulerConfig,
  from: Date,
  to: Date,
  options?: RangeOptions,
): Action[] => actionsOfRuns(runsBetween(config, from, to, options), from, to);

import { Temporal } from 'temporal-polyfill';
import type { SchedulerConfig } from './config.ts';
import { resolvedModel, withoutLeadBook } from './config.ts';
import { parseDays } from './days.ts';
import { instantOfLocal, localDateOf, minutesOfHhmm } from './zoned.ts';

/** One occurrence of a shift for one model: the model must be hosted over [start, end). */
export interface Window {
  model: string;
  schedule: string;
  shift: string;
  /** The local date (schedule's zone) on which the shift starts, `YYYY-MM-DD`. */
  localDate: string;
  start: Date;
  end: Date;
  minInferenceUnits: number;
  maxInferenceUnits?: number;
}

/**
 * Shift occurrences already worked out, per configuration, then model and local start date. A
 * configuration is immutable once validated, so a caller that asks about the same one many times
 * (a plan asks per model, per run and per action) keeps one cache and passes it in
 * {@link RangeOptions.cache}: zone maths is the costly part. Without one, queries share
 * {@link sharedWindows}.
 */
export type WindowCache = WeakMap<SchedulerConfig, Map<string, readonly Window[]>>;

/**
 * The occurrences of the configurations still in use, for queries that bring no cache of their
 * own: a pass that reads the same configuration object again (a long-lived process, a simulation)
 * works out each shift once. Keyed weakly by the configuration object, it holds nothing once the
 * configuration is dropped, and since a configuration never changes after validation, what it
 * answers is what working it out again would answer.
 */
const sharedWindows: WindowCache = new WeakMap();

/** An empty {@link WindowCache}, owned by the caller that creates it. */
export const createWindowCache = (): WindowCache => new WeakMap();

/** Options shared by the engine's range queries. */
export interface RangeOptions {
  /** Only this model (every model when absent). */
  model?: string;
  /** Occurrences worked out by earlier queries (the shared cache when absent). */
  cache?: WindowCache;
}

/** Plain string order, as INTERFACE.md asks (not locale order). */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Window order: start instant, then model id, then shift name. */
export const compareWindows = (a: Window, b: Window): number =>
  a.start.getTime() - b.start.getTime() || compareText(a.model, b.model) || compareText(a.shift, b.shift);

/** The model ids a query covers, in config order. */
export const modelIdsOf = (config: SchedulerConfig, options?: RangeOptions): string[] =>
  options?.model === undefined
    ? config.models.map((model) => model.id)
    : [resolvedModel(config, options.model).model.id];

/** A model's shifts with their days and times parsed once. */
const parsedShifts = (resolved: ReturnType<typeof resolvedModel>) =>
  resolved.schedule.shifts.map((shift) => {
    const days = parseDays(shift.days);
    const start = minutesOfHhmm(shift.start);
    const end = minutesOfHhmm(shift.end);
    if (!days.ok || start === undefined || end === undefined) {
      throw new Error(`shift ${shift.name}: not a validated shift`);
    }
    return { shift, days: days.days, start, end };
  });

/** The occurrences of one model (`resolved`) starting on one local date. */
const occurrencesOn = (
  resolved: ReturnType<typeof resolvedModel>,
  shifts: ReturnType<typeof parsedShifts>,
  date: Temporal.PlainDate,
): readonly Window[] => {
  const localDate = date.toString();
  const modelId = resolved.model.id;
  const found: Window[] = [];
  if (!resolved.closedDates.has(localDate)) {
    for (const { shift, days, start, end } of shifts) {
      if (!days.has(date.dayOfWeek as 1 | 2 | 3 | 4 | 5 | 6 | 7)) continue;
      const startAt = instantOfLocal(date, start, resolved.timezone);
      // end at or before start: the shift ends on the next local day.
      const endAt = instantOfLocal(end <= start ? date.add({ days: 1 }) : date, end, resolved.timezone);
      if (endAt.getTime() <= startAt.getTime()) continue;
      found.push({
        model: modelId,
        schedule: resolved.scheduleName,
        shift: shift.name,
        localDate,
        start: startAt,
        end: endAt,
        minInferenceUnits: shift.minInferenceUnits,
        ...(shift.maxInferenceUnits === undefined ? {} : { maxInferenceUnits: shift.maxInferenceUnits }),
      });
    }
  }
  return found;
};

/**
 * Every shift occurrence of one model whose start date lies in [firstDate, lastDate], kept or not,
 * in date then shift order. Dropped: closed start dates, and occurrences whose resolved end is not
 * after their start (a short shift inside a spring-forward gap).
 */
const occurrences = (
  config: SchedulerConfig,
  modelId: string,
  firstDate: Temporal.PlainDate,
  lastDate: Temporal.PlainDate,
  cache: WindowCache,
): Window[] => {
  let days = cache.get(config);
  if (days === undefined) {
    days = new Map();
    cache.set(config, days);
  }
  // A pass asks about the same span for every model many times: the whole span is kept too.
  const spanKey = `${modelId}\n${firstDate.toString()}..${lastDate.toString()}`;
  const span = days.get(spanKey);
  if (span !== undefined) return span.map((window) => ({ ...window }));
  // The model and its shifts are resolved once, and only when a date is not cached yet.
  let model:
    | { resolved: ReturnType<typeof resolvedModel>; shifts: ReturnType<typeof parsedShifts> }
    | undefined;
  const found: Window[] = [];
  for (let date = firstDate; Temporal.PlainDate.compare(date, lastDate) <= 0; date = date.add({ days: 1 })) {
    const key = `${modelId}\n${date.toString()}`;
    let onDate = days.get(key);
    if (onDate === undefined) {
      if (model === undefined) {
        const resolved = resolvedModel(config, modelId);
        model = { resolved, shifts: parsedShifts(resolved) };
      }
      onDate = occurrencesOn(model.resolved, model.shifts, date);
      days.set(key, onDate);
    }
    // Copies: callers own what they get, the cache keeps its own.
    for (const window of onDate) found.push({ ...window });
  }
  days.set(
    spanKey,
    found.map((window) => ({ ...window })),
  );
  return found;
};

/**
 * Every shift occurrence of every model (or of `options.model`) that overlaps [from, to), as UTC
 * instants, whole (not clipped), sorted by start, then model id, then shift name.
 *
 * Wall-clock times resolve by Temporal's 'compatible' rule: 02:30 on a spring-forward day is 03:30,
 * 01:30 on a fall-back day is the earlier of the two. A shift whose end is at or before its start
 * ends on the next local day, so a 22:00–06:00 night lasts 7 or 9 real hours across a change.
 */
export const windowsBetween = (
  booked: SchedulerConfig,
  from: Date,
  to: Date,
  options?: RangeOptions,
): Window[] => {
  if (!(from.getTime() < to.getTime())) return [];
  // Occurrences do not depend on leads: the configuration a lead book was attached to keys the cache.
  const config = withoutLeadBook(booked);
  const cache = options?.cache ?? sharedWindows;
  const windows: Window[] = [];
  for (const modelId of modelIdsOf(config, options)) {
    const { timezone } = resolvedModel(config, modelId);
    // A shift starts at most one local day before it ends (< 24 h of wall time plus a DST hour), so
    // start dates from two days before `from` to the local date of `to` cover every overlap.
    const firstDate = localDateOf(from, timezone).subtract({ days: 2 });
    const lastDate = localDateOf(to, timezone);
    for (const window of occurrences(config, modelId, firstDate, lastDate, cache)) {
      if (window.start.getTime() < to.getTime() && window.end.getTime() > from.getTime())
        windows.push(window);
    }
  }
  return windows.sort(compareWindows);
};

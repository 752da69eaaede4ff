import type { SchedulerConfig } from './config.ts';
import { resolvedModel, withoutLeadBook } from './config.ts';
import { describeLead, type Lead } from './lead.ts';
import type { Run } from './runs.ts';
import { RUN_LOOK_AHEAD_DAYS, runsBetween } from './runs.ts';
import { windowsBetween } from './windows.ts';
import { localDateOf, localHhmm } from './zoned.ts';

/** A temporary override: the model is held `state` until `until` (exclusive), whatever the schedule says. */
export interface Override {
  model: string;
  state: 'on' | 'off';
  until: Date;
  reason?: string;
  /** When it was set: it holds from then on. Without it, it holds from whenever it is asked about. */
  setAt?: Date;
}

/** How an override reads in a tick's reason and in a plan's notes: `override on until <ISO>: <reason>`. */
export const overridePhrase = (override: Override): string =>
  `override ${override.state} until ${override.until.toISOString()}${override.reason ? `: ${override.reason}` : ''}`;

/** What the schedule (and overrides) want for a model at an instant, and why. */
export interface Desired {
  state: 'on' | 'off';
  /** For people: "in run from 05:40 to 22:00 (shift early)", "closed: 2026-12-24", "no shift", … */
  reason: string;
  /** The scheduled run the model is in, when the schedule wants it on. */
  run?: Run;
  /**
   * When the desired state next changes, if it does within the look-ahead; a scheduled start
   * carries the lead of the run it starts.
   */
  nextChange?: { at: Date; state: 'on' | 'off'; lead?: Lead };
}

/** Inputs besides the configuration that decide the desired state. */
export interface DesiredInputs {
  overrides?: readonly Override[];
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** Local `HH:MM`, or `YYYY-MM-DD HH:MM` when `instant` is not on `sameDayAs`'s local date. */
const localLabel = (instant: Date, timeZone: string, sameDayAs: Date): string => {
  const date = localDateOf(instant, timeZone).toString();
  const time = localHhmm(instant, timeZone);
  return date === localDateOf(sameDayAs, timeZone).toString() ? time : `${date} ${time}`;
};

/** A run's lead as reasons print it: `20 min` when fixed, with where it came from when learned. */
export const leadPhrase = (lead: Lead): string =>
  lead.source === 'fixed' ? `${lead.minutes} min` : describeLead(lead);

/** Why the model is on at `at` inside `run`. */
const runReason = (run: Run, at: Date, timeZone: string): string => {
  const span = `in run from ${localLabel(run.startAt, timeZone, at)} to ${localLabel(run.end, timeZone, at)}`;
  const t = at.getTime();
  const current = run.windows.find((window) => window.start.getTime() <= t && t < window.end.getTime());
  if (current) return `${span} (shift ${current.shift})`;
  const next = run.windows.find((window) => window.start.getTime() > t);
  if (!next) return span;
  return next === run.windows[0]
    ? `${span} (lead of ${leadPhrase(run.lead)} before shift ${next.shift} at ${localHhmm(next.start, timeZone)})`
    : `${span} (bridging the gap before shift ${next.shift} at ${localHhmm(next.start, timeZone)})`;
};

/**
 * `config` with the calendar of `scheduleName` removed, the same object for the same pair: the
 * window cache is keyed by the configuration object, so a pass asking why each model is off works
 * out the open schedule's shifts once instead of once per model and pass.
 */
const openConfigs = new WeakMap<SchedulerConfig, Map<string, SchedulerConfig>>();
const openConfigOf = (booked: SchedulerConfig, scheduleName: string): SchedulerConfig => {
  // Only its windows are asked for, which no lead changes.
  const config = withoutLeadBook(booked);
  let bySchedule = openConfigs.get(config);
  if (bySchedule === undefined) {
    bySchedule = new Map();
    openConfigs.set(config, bySchedule);
  }
  let open = bySchedule.get(scheduleName);
  if (open === undefined) {
    const { calendar: _ignored, ...withoutCalendar } = config.schedules[scheduleName] ?? {};
    open = {
      ...config,
      schedules: { ...config.schedules, [scheduleName]: withoutCalendar },
    } as SchedulerConfig;
    bySchedule.set(scheduleName, open);
  }
  return open;
};

/**
 * Why a model is off: a closed day that removed a shift occurrence which would have covered `at`
 * (by the occurrence's local start date), the closed local date of `at` itself, or no shift.
 */
const offReason = (config: SchedulerConfig, modelId: string, at: Date): string => {
  const resolved = resolvedModel(config, modelId);
  const open = openConfigOf(config, resolved.scheduleName);
  // The longest lead the model may take: a closed day whose shift would have begun within it counts.
  const lead = resolved.chainLeadMinutes * MINUTE_MS;
  const covering = windowsBetween(open, new Date(at.getTime() - DAY_MS), new Date(at.getTime() + lead + 1), {
    model: modelId,
  }).find(
    (window) =>
      window.start.getTime() - lead <= at.getTime() &&
      at.getTime() < window.end.getTime() &&
      resolved.closedDates.has(window.localDate),
  );
  if (covering) return `closed: ${covering.localDate} (shift ${covering.shift})`;
  const today = localDateOf(at, resolved.timezone).toString();
  return resolved.closedDates.has(today) ? `closed: ${today}` : 'no shift';
};

/**
 * The desired state of `modelId` at `at`: 'on' from a run's start action (lead included) until
 * its end, 'off' otherwise. An override for the model wins while `at < until`; when several are
 * active, the last one in `inputs.overrides` wins (callers pass them in the order they were set).
 *
 * @throws UsageError when the config has no such model
 */
export const desiredAt = (
  config: SchedulerConfig,
  modelId: string,
  at: Date,
  inputs?: DesiredInputs,
): Desired => {
  const overrides = inputs?.overrides ?? [];
  const active = overrides.findLast(
    (o) =>
      o.model === modelId &&
      at.getTime() < o.until.getTime() &&
      (o.setAt === undefined || o.setAt.getTime() <= at.getTime()),
  );
  if (active) {
    // What holds once the override expires tells whether `until` is a change at all.
    const after = desiredAt(config, modelId, active.until, {
      overrides: overrides.filter((o) => o !== active),
    });
    const nextChange =
      after.state !== active.state ? { at: active.until, state: after.state } : after.nextChange;
    return {
      state: active.state,
      reason: overridePhrase(active),
      ...(nextChange ? { nextChange } : {}),
    };
  }

  const resolved = resolvedModel(config, modelId);
  const horizon = new Date(at.getTime() + RUN_LOOK_AHEAD_DAYS * DAY_MS);
  const runs = runsBetween(config, at, horizon, { model: modelId });
  const t = at.getTime();
  const index = runs.findIndex((run) => run.startAt.getTime() <= t && t < run.end.getTime());
  const run = runs[index];
  if (run) {
    // A restart boundary starts the next run where this one ends: the model stays wanted on.
    let last = run;
    for (const next of runs.slice(index + 1)) {
      if (next.startAt.getTime() > last.end.getTime()) break;
      last = next;
    }
    return {
      state: 'on',
      reason: runReason(run, at, resolved.timezone),
      run,
      ...(last.end.getTime() < horizon.getTime()
        ? { nextChange: { at: last.end, state: 'off' as const } }
        : {}),
    };
  }
  const next = runs.find((candidate) => candidate.startAt.getTime() > t);
  return {
    state: 'off',
    reason: offReason(config, modelId, at),
    ...(next ? { nextChange: { at: next.startAt, state: 'on' as const, lead: next.lead } } : {}),
  };
};

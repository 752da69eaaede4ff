import { Temporal } from 'temporal-polyfill';
import type { SchedulerConfig, Shift } from './config.ts';
import { resolvedModel, schedulerNameText, scheduleTimeZone } from './config.ts';
import type { IsoWeekday } from './days.ts';
import { parseDays } from './days.ts';
import { windowsBetween } from './windows.ts';
import { hhmmOfMinutes, instantOfLocal, localDateOf, localTimeExists, minutesOfHhmm } from './zoned.ts';

/**
 * EventBridge Scheduler schedules for serverless.yml: one cron expression per distinct edge (start
 * or stop, local time, weekdays, lead) of each schedule, in the schedule's IANA time zone.
 *
 * Approximations, covered by the reconcile tick, which evaluates the exact desired state:
 * - A start edge is left out where a shift follows on from another shift's end on the wall clock;
 *   a closed day that breaks such a chain, an overlap, or a gap shorter than the lead is not
 *   visible to a weekly cron expression.
 * - The lead is taken off the wall-clock time; on a DST change inside the lead the engine's
 *   instant (lead in real minutes) differs by the change.
 * - EventBridge Scheduler skips a local time that does not exist on the spring-forward day; see
 *   {@link springForwardSkips}.
 */
export interface SchedulerEntry {
  /** Unique, at most 64 characters of `[0-9a-zA-Z-_.]`, readable where it fits. */
  name: string;
  schedule: string;
  kind: 'start' | 'stop';
  /** `cron(M H ? * DOW *)`, to be read in `timezone`. */
  expression: string;
  timezone: string;
  /** The local wall-clock time the entry fires at, `HH:MM`. */
  localTime: string;
  /** The weekdays it fires on, `SUN`…`SAT`. */
  days: string[];
  /** The shifts whose start (start) or run end (stop) this edge is. */
  shifts: string[];
  /** The models it acts on. */
  models: string[];
  /** Minutes before the shift start (start entries only; 0 at a unitChange restart boundary). */
  leadMinutes?: number;
}

/** An edge that EventBridge Scheduler will not fire because its local time does not exist that day. */
export interface SpringForwardSkip {
  entry: SchedulerEntry;
  /** The local date of the missing time. */
  localDate: string;
  /** The instant the engine (and so the reconcile tick) uses instead, by the 'compatible' rule. */
  at: Date;
}

const CRON_DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

interface ParsedShift {
  shift: Shift;
  days: ReadonlySet<IsoWeekday>;
  start: number;
  end: number;
  /** Ends on the next local day. */
  crosses: boolean;
}

const parseShift = (shift: Shift): ParsedShift => {
  const days = parseDays(shift.days);
  const start = minutesOfHhmm(shift.start);
  const end = minutesOfHhmm(shift.end);
  if (!days.ok || start === undefined || end === undefined)
    throw new Error(`shift ${shift.name}: not validated`);
  return { shift, days: days.days, start, end, crosses: end <= start };
};

const nextDay = (day: IsoWeekday): IsoWeekday => ((day % 7) + 1) as IsoWeekday;
const previousDay = (day: IsoWeekday): IsoWeekday => (((day + 5) % 7) + 1) as IsoWeekday;

const sameUnits = (a: Shift, b: Shift): boolean =>
  a.minInferenceUnits === b.minInferenceUnits && a.maxInferenceUnits === b.maxInferenceUnits;

/** A shift ending on weekday `day` at `minutes` (wall clock), if any. */
const endingAt = (
  shifts: readonly ParsedShift[],
  day: IsoWeekday,
  minutes: number,
): ParsedShift | undefined =>
  shifts.find((p) => p.end === minutes && p.days.has(p.crosses ? previousDay(day) : day));

/** A shift starting on weekday `day` at `minutes`, if any. */
const startingAt = (
  shifts: readonly ParsedShift[],
  day: IsoWeekday,
  minutes: number,
): ParsedShift | undefined => shifts.find((n) => n.start === minutes && n.days.has(day));

/** Cron day-of-week field: names in SUN…SAT order, runs of three or more as ranges, `*` for all. */
const cronDays = (days: readonly number[]): string => {
  if (days.length === 7) return '*';
  const parts: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === (days[j] ?? 0) + 1) j += 1;
    const first = CRON_DAYS[days[i] ?? 0];
    const last = CRON_DAYS[days[j] ?? 0];
    if (j - i >= 2) parts.push(`${first}-${last}`);
    else for (let k = i; k <= j; k += 1) parts.push(CRON_DAYS[days[k] ?? 0] ?? '');
    i = j + 1;
  }
  return parts.join(',');
};

/** FNV-1a, enough to keep shortened names unique; not security. */
const shortHash = (text: string): string => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
};

const entryName = (base: string, identity: string, forceHash: boolean): string => {
  const clean = schedulerNameText(base);
  if (!forceHash && clean.length <= 64) return clean;
  return `${clean.slice(0, 55)}-${shortHash(identity)}`;
};

interface Edge {
  kind: 'start' | 'stop';
  /** Minute of the week, Monday 00:00 = 0, after the lead is taken off. */
  minuteOfWeek: number;
  leadMinutes?: number;
  shift: string;
  models: readonly string[];
}

/** Edges of one schedule for the models of one lead (starts) or all its models (stops). */
const edgesOf = (
  shifts: readonly ParsedShift[],
  restart: boolean,
  leadGroups: ReadonlyMap<number, string[]>,
  allModels: readonly string[],
): Edge[] => {
  const edges: Edge[] = [];
  const at = (day: IsoWeekday, minutes: number) =>
    ((((day - 1) * MINUTES_PER_DAY + minutes) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  for (const s of shifts) {
    for (const day of s.days) {
      const before = endingAt(shifts, day, s.start);
      for (const [lead, models] of leadGroups) {
        if (!before) {
          edges.push({
            kind: 'start',
            minuteOfWeek: at(day, s.start - lead),
            leadMinutes: lead,
            shift: s.shift.name,
            models,
          });
        } else if (restart && !sameUnits(before.shift, s.shift)) {
          edges.push({
            kind: 'start',
            minuteOfWeek: at(day, s.start),
            leadMinutes: 0,
            shift: s.shift.name,
            models,
          });
        }
      }
      const endDay = s.crosses ? nextDay(day) : day;
      const after = startingAt(shifts, endDay, s.end);
      if (!after || (restart && !sameUnits(s.shift, after.shift))) {
        edges.push({ kind: 'stop', minuteOfWeek: at(endDay, s.end), shift: s.shift.name, models: allModels });
      }
    }
  }
  return edges;
};

/**
 * The EventBridge Scheduler entries of every schedule that a model uses: a start entry per
 * distinct (local time, lead) of run starts (shift start minus lead, which can fall on the previous
 * weekday) and a stop entry per distinct local time of run ends. Stops at back-to-back boundaries
 * are left out (the run keeps going), except where `unitChange: restart` changes units there.
 */
export const schedulerEntries = (config: SchedulerConfig): SchedulerEntry[] => {
  const entries: SchedulerEntry[] = [];
  for (const [scheduleName, schedule] of Object.entries(config.schedules)) {
    const models = config.models.filter((model) => model.schedule === scheduleName).map((model) => model.id);
    if (models.length === 0) continue;
    const leadGroups = new Map<number, string[]>();
    for (const id of models) {
      // An `auto` lead moves with every recorded start, and a cron expression fixed at deploy time
      // cannot follow it: its start edge fires at the shift start, never earlier than the learned
      // lead wants. The reconcile tick sends the start at the learned instant; the edge is the
      // backstop that gets it out by the shift start at the latest.
      const setting = resolvedModel(config, id).leadMinutes;
      const lead = setting === 'auto' ? 0 : setting;
      leadGroups.set(lead, [...(leadGroups.get(lead) ?? []), id]);
    }
    const timezone = scheduleTimeZone(config, scheduleName);
    const edges = edgesOf(
      schedule.shifts.map(parseShift),
      schedule.unitChange === 'restart',
      leadGroups,
      models,
    );

    // One entry per (kind, time of day, lead, models); its weekdays are the union of its edges'.
    const grouped = new Map<
      string,
      { edge: Edge; minuteOfDay: number; days: Set<number>; shifts: Set<string> }
    >();
    for (const edge of edges) {
      const minuteOfDay = edge.minuteOfWeek % MINUTES_PER_DAY;
      const key = `${edge.kind}|${minuteOfDay}|${edge.leadMinutes ?? ''}|${edge.models.join(',')}`;
      const group = grouped.get(key) ?? {
        edge,
        minuteOfDay,
        days: new Set<number>(),
        shifts: new Set<string>(),
      };
      // Minute 0 of the week is Monday; cron counts from Sunday = 0 here (index into CRON_DAYS).
      group.days.add((Math.floor(edge.minuteOfWeek / MINUTES_PER_DAY) + 1) % 7);
      group.shifts.add(edge.shift);
      grouped.set(key, group);
    }
    for (const { edge, minuteOfDay, days, shifts } of grouped.values()) {
      const sortedDays = [...days].sort((a, b) => a - b);
      const dow = cronDays(sortedDays);
      const time = hhmmOfMinutes(minuteOfDay);
      const base = `${scheduleName}-${edge.kind}-${time.replace(':', '')}-${dow === '*' ? 'daily' : dow.replaceAll(',', '.')}${
        edge.kind === 'start' && edge.leadMinutes ? `-lead${edge.leadMinutes}` : ''
      }`;
      entries.push({
        name: base,
        schedule: scheduleName,
        kind: edge.kind,
        expression: `cron(${minuteOfDay % 60} ${Math.floor(minuteOfDay / 60)} ? * ${dow} *)`,
        timezone,
        localTime: time,
        days: sortedDays.map((day) => CRON_DAYS[day] ?? ''),
        shifts: [...shifts].sort(),
        models: [...edge.models],
        ...(edge.kind === 'start' ? { leadMinutes: edge.leadMinutes ?? 0 } : {}),
      });
    }
  }
  // Names must be unique: the same edge for two lead groups (possible at restart boundaries) or
  // long schedule names get a hash of what makes the entry distinct.
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.name, (counts.get(entry.name) ?? 0) + 1);
  return entries.map((entry) => ({
    ...entry,
    name: entryName(
      entry.name,
      `${entry.schedule}|${entry.kind}|${entry.expression}|${entry.models.join(',')}`,
      (counts.get(entry.name) ?? 0) > 1,
    ),
  }));
};

/** One firing of a {@link SchedulerEntry}: the local date it is due on and its instant. */
export interface SchedulerFiring {
  entry: SchedulerEntry;
  /** The local date (entry's zone) it is due on. */
  localDate: string;
  /**
   * When it fires; for a time repeated on a fall-back day, the earlier instant (EventBridge
   * Scheduler runs it once). For a skipped firing, the instant the engine uses instead.
   */
  at: Date;
  /** The local time does not exist that day (spring forward): EventBridge Scheduler does not fire. */
  skipped: boolean;
}

/**
 * Every firing of {@link schedulerEntries} due in [from, to), sorted by instant then entry name.
 * Firings whose local time falls in a spring-forward gap are included with `skipped: true`.
 */
export const firingsBetween = (config: SchedulerConfig, from: Date, to: Date): SchedulerFiring[] => {
  const firings: SchedulerFiring[] = [];
  for (const entry of schedulerEntries(config)) {
    const minutes = minutesOfHhmm(entry.localTime) ?? 0;
    const last = localDateOf(to, entry.timezone).add({ days: 1 });
    for (
      let date = localDateOf(from, entry.timezone).subtract({ days: 1 });
      Temporal.PlainDate.compare(date, last) <= 0;
      date = date.add({ days: 1 })
    ) {
      if (!entry.days.includes(CRON_DAYS[date.dayOfWeek % 7] ?? '')) continue;
      const at = instantOfLocal(date, minutes, entry.timezone);
      if (at.getTime() < from.getTime() || at.getTime() >= to.getTime()) continue;
      firings.push({
        entry,
        localDate: date.toString(),
        at,
        skipped: !localTimeExists(date, minutes, entry.timezone),
      });
    }
  }
  return firings.sort((a, b) => a.at.getTime() - b.at.getTime() || compareNames(a.entry.name, b.entry.name));
};

const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const DAY_MS = 86_400_000;

/**
 * Whether the engine has the shift occurrence a firing stands for: for a start, one of the entry's
 * shifts starting on the local date the lead leads up to; for a stop, one ending on the firing's
 * local date. A closed day, or a shift the spring-forward gap drops (its end not after its start),
 * has none, so the tick performs nothing there.
 */
const performedByEngine = (config: SchedulerConfig, firing: SchedulerFiring): boolean => {
  const { entry } = firing;
  const lead = entry.leadMinutes ?? 0;
  const date = Temporal.PlainDate.from(firing.localDate);
  const shiftDate =
    entry.kind === 'start'
      ? date
          .add({ days: Math.floor(((minutesOfHhmm(entry.localTime) ?? 0) + lead) / MINUTES_PER_DAY) })
          .toString()
      : undefined;
  const around = {
    from: new Date(firing.at.getTime() - 2 * DAY_MS),
    to: new Date(firing.at.getTime() + lead * 60_000 + 2 * DAY_MS),
  };
  return entry.models.some((model) =>
    windowsBetween(config, around.from, around.to, { model }).some(
      (window) =>
        entry.shifts.includes(window.shift) &&
        (shiftDate === undefined
          ? localDateOf(window.end, entry.timezone).toString() === firing.localDate
          : window.localDate === shiftDate),
    ),
  );
};

/**
 * The firings in [from, to) whose local time does not exist (a spring-forward gap) and that stand
 * for a start or stop the engine performs. EventBridge Scheduler skips them; the reconcile tick
 * performs them at the instant the engine gives (the time moved forward by the gap).
 */
export const springForwardSkips = (config: SchedulerConfig, from: Date, to: Date): SpringForwardSkip[] =>
  firingsBetween(config, from, to)
    .filter((firing) => firing.skipped && performedByEngine(config, firing))
    .map(({ entry, localDate, at }) => ({ entry, localDate, at }));

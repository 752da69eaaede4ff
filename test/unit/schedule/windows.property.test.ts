import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { windowsBetween } from '../../../src/schedule/windows.ts';
import { type ShiftInput, scenario } from './builders.ts';

/*
 * An independent reference for windowsBetween: no Temporal, no engine helpers. Local wall time
 * comes from Intl.DateTimeFormat minute by minute; a wall time resolves to the first minute that
 * shows it (fall back: the earlier instant) or, inside a spring-forward gap, to the transition
 * instant plus how far the time lies past the gap's start (the 'compatible' rule, by definition).
 */

const MINUTE = 60_000;
const DAY_MINUTES = 1440;
const NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Europe/London',
  'America/Santiago',
  'UTC',
];
// Days around which the zones above change their clocks in 2026, and one quiet day.
const ANCHORS = [
  '2026-03-08',
  '2026-03-29',
  '2026-04-05',
  '2026-09-27',
  '2026-10-04',
  '2026-10-25',
  '2026-11-01',
  '2026-06-15',
];

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Wall-clock minutes since 1970-01-01T00:00 local, for the minute `t` (epoch minutes). */
const wallOf = (zone: string, t: number): number => {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(zone, format);
  }
  const match = /^(\d{2})\/(\d{2})\/(\d{4}), (\d{2}):(\d{2})$/.exec(format.format(new Date(t * MINUTE)));
  if (!match) throw new Error(`unexpected Intl output for ${zone}`);
  const [, mm, dd, yyyy, hh, mi] = match.map(Number) as number[];
  return Date.UTC(yyyy ?? 0, (mm ?? 1) - 1, dd ?? 1, hh ?? 0, mi ?? 0) / MINUTE;
};

interface Reference {
  resolve(wall: number): number;
}

/**
 * The wall time of every minute of [first, last). Intl is asked once an hour, and minute by minute
 * through any hour whose offset differs at its two ends (every clock change lies in such an hour).
 */
const scanWalls = (zone: string, first: number, last: number): number[] => {
  const walls: number[] = [];
  for (let hour = first; hour < last; hour += 60) {
    const offsetAtStart = wallOf(zone, hour) - hour;
    const offsetAtEnd = wallOf(zone, hour + 60) - (hour + 60);
    for (let t = hour; t < hour + 60 && t < last; t += 1) {
      walls.push(offsetAtStart === offsetAtEnd ? t + offsetAtStart : wallOf(zone, t));
    }
  }
  return walls;
};

const references = new Map<string, Reference>();

/** Resolves wall times by the rule above, over minutes [first, last) scanned once per zone and range. */
const reference = (zone: string, first: number, last: number): Reference => {
  const key = `${zone}|${first}|${last}`;
  const cached = references.get(key);
  if (cached) return cached;
  const walls = scanWalls(zone, first, last);
  const firstIndex = new Map<number, number>();
  walls.forEach((wall, index) => {
    if (!firstIndex.has(wall)) firstIndex.set(wall, index);
  });
  const made: Reference = {
    resolve(wall) {
      const index = firstIndex.get(wall);
      if (index !== undefined) return first + index;
      for (let i = 1; i < walls.length; i += 1) {
        const before = walls[i - 1] ?? 0;
        const after = walls[i] ?? 0;
        if (before < wall && wall < after) return first + i + (wall - (before + 1));
      }
      throw new Error(`wall time ${wall} outside the scanned range`);
    },
  };
  references.set(key, made);
  return made;
};

/** Renders a set of ISO weekdays as a days string, with ranges (wrapping ones too) where days run on. */
const renderDays = (days: readonly number[], useRanges: boolean): string => {
  const set = new Set(days);
  if (!useRanges) return [...set].map((d) => NAMES[d - 1]).join(',');
  if (set.size === 7) return 'mon-sun';
  const parts: string[] = [];
  for (const d of [...set].sort()) {
    const previous = d === 1 ? 7 : d - 1;
    if (set.has(previous)) continue; // not the first day of its run
    let end = d;
    while (set.has(end === 7 ? 1 : end + 1)) end = end === 7 ? 1 : end + 1;
    parts.push(end === d ? `${NAMES[d - 1]}` : `${NAMES[d - 1]}-${NAMES[end - 1]}`);
  }
  return parts.join(',');
};

// Minutes of the day, weighted towards the small hours where clocks change.
const minuteOfDay = fc.oneof(
  fc.integer({ min: 0, max: 95 }).map((q) => q * 15),
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 0, max: DAY_MINUTES - 1 }),
);

const shiftArb = fc
  .record({
    days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    useRanges: fc.boolean(),
    start: minuteOfDay,
    end: minuteOfDay,
    units: fc.integer({ min: 1, max: 3 }),
  })
  .filter((s) => s.start !== s.end);

const caseArb = fc.record({
  zone: fc.constantFrom(...ZONES),
  anchor: fc.constantFrom(...ANCHORS),
  shiftOffsetHours: fc.integer({ min: -30, max: 30 }),
  spanHours: fc.integer({ min: 1, max: 60 }),
  shifts: fc.array(shiftArb, { minLength: 1, maxLength: 3 }),
  closedOffsets: fc.uniqueArray(fc.integer({ min: -3, max: 3 }), { maxLength: 2 }),
});

const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const isoDay = (epochDay: number) => new Date(epochDay * 86_400_000).toISOString().slice(0, 10);

describe('windowsBetween agrees with a brute-force minute-by-minute reference', () => {
  it('for random shifts, zones and ranges around DST changes', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        // Prepare
        const anchorDay = Date.parse(`${c.anchor}T00:00:00Z`) / 86_400_000;
        const shifts: (ShiftInput & { set: number[]; startM: number; endM: number })[] = c.shifts.map(
          (s, i) => ({
            name: `s${i}`,
            days: renderDays(s.days, s.useRanges),
            start: hhmm(s.start),
            end: hhmm(s.end),
            minInferenceUnits: s.units,
            set: s.days,
            startM: s.start,
            endM: s.end,
          }),
        );
        const closed = c.closedOffsets.map((o) => isoDay(anchorDay + o));
        const config = scenario({
          timezone: c.zone,
          shifts: shifts.map(({ set: _s, startM: _a, endM: _b, ...shift }) => shift),
          ...(closed.length ? { closed } : {}),
        });
        const from = anchorDay * DAY_MINUTES + c.shiftOffsetHours * 60;
        const to = from + c.spanHours * 60;

        // The reference: every occurrence whose local start date is within four days of the anchor.
        const ref = reference(c.zone, (anchorDay - 6) * DAY_MINUTES, (anchorDay + 7) * DAY_MINUTES);
        const expected: { shift: string; start: number; end: number }[] = [];
        for (let day = anchorDay - 4; day <= anchorDay + 4; day += 1) {
          const isoWeekday = ((new Date(day * 86_400_000).getUTCDay() + 6) % 7) + 1;
          if (closed.includes(isoDay(day))) continue;
          for (const s of shifts) {
            if (!s.set.includes(isoWeekday)) continue;
            const start = ref.resolve(day * DAY_MINUTES + s.startM);
            const end = ref.resolve((s.endM <= s.startM ? day + 1 : day) * DAY_MINUTES + s.endM);
            if (end > start && start < to && end > from) expected.push({ shift: s.name, start, end });
          }
        }
        expected.sort((a, b) => a.start - b.start || (a.shift < b.shift ? -1 : a.shift > b.shift ? 1 : 0));

        // Act
        const windows = windowsBetween(config, new Date(from * MINUTE), new Date(to * MINUTE));

        // Assess: the same occurrences with the same edges…
        const actual = windows.map((w) => ({
          shift: w.shift,
          start: w.start.getTime() / MINUTE,
          end: w.end.getTime() / MINUTE,
        }));
        expect(actual).toEqual(expected);
        // …and, minute by minute, "some shift is active" holds in both or in neither.
        for (let t = from; t < to; t += 1) {
          const inReference = expected.some((o) => o.start <= t && t < o.end);
          const inEngine = actual.some((o) => o.start <= t && t < o.end);
          if (inReference !== inEngine)
            expect({ minute: new Date(t * MINUTE).toISOString(), inEngine }).toEqual({ inReference });
        }
      }),
      { numRuns: 150 },
    );
  }, 60_000);
});

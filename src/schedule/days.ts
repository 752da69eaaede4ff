/**
 * The `days` language of shifts.yml: `mon`…`sun`, lists (`sat,sun`), ranges (`mon-fri`), wrapping
 * ranges (`fri-mon`) and mixes (`mon-wed,fri`). Days are ISO weekday numbers, 1 = Monday … 7 = Sunday,
 * because that is what Temporal's `dayOfWeek` returns.
 */

export const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** ISO weekday number, 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** The outcome of reading a `days` string: the weekdays, or a message saying what is wrong. */
export type DaysResult = { ok: true; days: ReadonlySet<IsoWeekday> } | { ok: false; message: string };

const dayNumber = (name: string): IsoWeekday | undefined => {
  const index = DAY_NAMES.indexOf(name.toLowerCase() as (typeof DAY_NAMES)[number]);
  return index < 0 ? undefined : ((index + 1) as IsoWeekday);
};

/**
 * Reads a `days` string into the set of ISO weekdays on which a shift starts.
 * A range runs forward from its first day and wraps past Sunday, so `fri-mon` is Fri, Sat, Sun, Mon.
 */
export const parseDays = (text: string): DaysResult => {
  const days = new Set<IsoWeekday>();
  const bad = (detail: string): DaysResult => ({
    ok: false,
    message: `${JSON.stringify(text)} is not a list of days (${detail}; e.g. "mon-fri", "sat,sun", "fri-mon")`,
  });
  if (text.trim() === '') return bad('empty');
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const bounds = part.split('-');
    if (bounds.length === 1) {
      const day = dayNumber(part);
      if (day === undefined) return bad(`unknown day ${JSON.stringify(part)}`);
      days.add(day);
      continue;
    }
    const [first, last] = bounds;
    const from = bounds.length === 2 && first !== undefined ? dayNumber(first.trim()) : undefined;
    const to = bounds.length === 2 && last !== undefined ? dayNumber(last.trim()) : undefined;
    if (from === undefined || to === undefined) return bad(`bad range ${JSON.stringify(part)}`);
    // A range of one day to itself would be read either as one day or as the whole week; refuse it.
    if (from === to) return bad(`range ${JSON.stringify(part)} starts and ends on the same day`);
    for (let day = from; ; day = ((day % 7) + 1) as IsoWeekday) {
      days.add(day);
      if (day === to) break;
    }
  }
  return { ok: true, days };
};

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` (years 0001–9999 read as ISO dates, not as 19xx). */
const dayNumberOf = (date: string): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

const dateOfDayNumber = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The closed local dates of a calendar, kept as inclusive ranges of day numbers, so that a range of
 * centuries costs as little as a single date. Reads like a `ReadonlySet<string>` of `YYYY-MM-DD`.
 */
export class ClosedDates implements Iterable<string> {
  /** Sorted, merged, inclusive `[first, last]` day numbers. */
  readonly #ranges: readonly (readonly [number, number])[];
  /** How many dates are closed. */
  readonly size: number;

  /** @param entries - validated `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD` entries, in any order */
  constructor(entries: readonly string[]) {
    const ranges = entries
      .map((entry): [number, number] => {
        const [first = '', last = first] = entry.split('..');
        return [dayNumberOf(first), dayNumberOf(last)];
      })
      .sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [first, last] of ranges) {
      const previous = merged.at(-1);
      // Overlapping or adjacent ranges are one, so `size` counts every date once.
      if (previous && first <= previous[1] + 1) previous[1] = Math.max(previous[1], last);
      else merged.push([first, last]);
    }
    this.#ranges = merged;
    this.size = merged.reduce((sum, [first, last]) => sum + last - first + 1, 0);
  }

  /** Whether local date `date` (`YYYY-MM-DD`) is closed. */
  has(date: string): boolean {
    const day = dayNumberOf(date);
    if (!Number.isFinite(day)) return false;
    let low = 0;
    let high = this.#ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const [first, last] = this.#ranges[middle] ?? [0, -1];
      if (day < first) high = middle - 1;
      else if (day > last) low = middle + 1;
      else return true;
    }
    return false;
  }

  /** Every closed date in calendar order. */
  *[Symbol.iterator](): Iterator<string> {
    for (const [first, last] of this.#ranges) {
      for (let day = first; day <= last; day += 1) yield dateOfDayNumber(day);
    }
  }
}

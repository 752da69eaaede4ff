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

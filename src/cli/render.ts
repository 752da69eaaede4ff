import { Temporal } from 'temporal-polyfill';
import { instantOfLocal, localDateOf } from '../schedule/zoned.ts';
import { formatInZone } from './format.ts';

/**
 * Rendering helpers shared by shiftctl commands, the demo and the benchmarks: aligned tables,
 * colour that appears only on a terminal, and day bars. Values in the cells come from
 * `format.ts`. No command-specific knowledge here.
 */

export type Colour = 'red' | 'green' | 'yellow' | 'blue' | 'cyan' | 'dim' | 'bold';

const CODES: Record<Colour, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  cyan: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

/** Paints text in a colour, or returns it as is (pipes, files, NO_COLOR). */
export type Paint = (colour: Colour, text: string) => string;

/** A {@link Paint} that colours only when `enabled` (pass `io.isTty`). */
export const painter =
  (enabled: boolean): Paint =>
  (colour, text) => {
    if (!enabled || text === '') return text;
    const [open, close] = CODES[colour];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  };

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point.
const ANSI = /\u001b\[[0-9;]*m/g;

/** Length as seen on screen: ANSI colour codes take no room. */
export const visibleLength = (text: string): number => {
  let length = 0;
  // Counts code points without building an array of them: tables measure every cell twice.
  for (const _ of text.includes('\u001b') ? text.replace(ANSI, '') : text) length += 1;
  return length;
};

/** A table column: its header and which side it aligns to (numbers read best on the right). */
export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** A right-aligned {@link Column}: numbers read best lined up on the right. */
export const right = (header: string): Column => ({ header, align: 'right' });

/**
 * An aligned text table: header row, then one row per entry, columns two spaces apart. Cells may
 * carry colour; widths count visible characters only. Trailing spaces are trimmed.
 */
export const renderTable = (
  columns: readonly (Column | string)[],
  rows: readonly (readonly string[])[],
): string => {
  const cols = columns.map((column) => (typeof column === 'string' ? { header: column } : column));
  // A loop, not Math.max(...cells): a long plan has more rows than a call takes arguments.
  const widths = cols.map((column) => visibleLength(column.header));
  for (const row of rows) {
    for (const [index, width] of widths.entries()) {
      widths[index] = Math.max(width, visibleLength(row[index] ?? ''));
    }
  }
  const line = (cells: readonly string[]) =>
    cols
      .map((column, index) => {
        const cell = cells[index] ?? '';
        const pad = ' '.repeat(Math.max(0, (widths[index] ?? 0) - visibleLength(cell)));
        return column.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(cols.map((column) => column.header)), ...rows.map(line)].join('\n');
};

/** One character cell of a day bar and its colour. */
export interface BarCell {
  readonly char: string;
  readonly colour?: Colour;
}

/** Minutes per character of a day bar: 96 characters a day. */
export const barSlotMinutes = 15;

/** The ruler above day bars: an hour label every three hours, one character per slot. */
export const dayBarRuler = (): string => {
  let line = '';
  for (let hour = 0; hour < 24; hour += 3)
    line += String(hour)
      .padStart(2, '0')
      .padEnd((3 * 60) / barSlotMinutes);
  return line;
};

const SLOTS_PER_DAY = 1440 / barSlotMinutes;
const SLOT_MS = barSlotMinutes * 60_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A stretch of time with one UTC offset: [start, end) in epoch milliseconds. */
interface OffsetSpan {
  readonly start: number;
  readonly end: number;
  readonly offsetMs: number;
}

/**
 * One time zone's UTC offsets, for rendering many instants and days: the zone's rules are asked
 * once per stretch of constant offset (a few a year), and everything else is arithmetic.
 */
export interface ZoneClock {
  readonly timeZone: string;
  /** The zone's UTC offset at an instant (epoch ms), in milliseconds. */
  offsetAt(instant: number): number;
  /** Whether the offset stays the same from `from` through `to` (epoch ms, `from` ≤ `to`). */
  steady(from: number, to: number): boolean;
}

/** A {@link ZoneClock} for `timeZone`; keep one per zone for as long as a rendering lasts. */
export const zoneClock = (timeZone: string): ZoneClock => {
  // Sorted by start. Spans may overlap only where they agree: each runs from where it was asked
  // to the zone's next change, so the last span starting at or before an instant covers it if any does.
  const spans: OffsetSpan[] = [];
  const spanAt = (instant: number): OffsetSpan => {
    let low = 0;
    let high = spans.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((spans[middle]?.start ?? 0) <= instant) low = middle + 1;
      else high = middle;
    }
    const before = spans[low - 1];
    if (before !== undefined && instant < before.end) return before;
    const zoned = Temporal.Instant.fromEpochMilliseconds(instant).toZonedDateTimeISO(timeZone);
    const span = {
      start: instant,
      end: zoned.getTimeZoneTransition('next')?.epochMilliseconds ?? Number.POSITIVE_INFINITY,
      offsetMs: zoned.offsetNanoseconds / 1_000_000,
    };
    spans.splice(low, 0, span);
    return span;
  };
  return {
    timeZone,
    offsetAt: (instant) => spanAt(instant).offsetMs,
    steady: (from, to) => to < spanAt(from).end,
  };
};

/** The epoch milliseconds of `date` at 00:00 read as UTC: the wall clock as a number. */
const wallMidnightOf = (date: Temporal.PlainDate): number =>
  new Date(0).setUTCFullYear(date.year, date.month - 1, date.day);

const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** `+01:00`, as Temporal writes a whole-minute offset. */
const offsetText = (offsetMs: number): string => {
  const minutes = Math.abs(offsetMs) / MINUTE_MS;
  return `${offsetMs < 0 ? '-' : '+'}${twoDigits(Math.floor(minutes / 60))}:${twoDigits(minutes % 60)}`;
};

/** The wall clock of `instant` at `offsetMs` as `YYYY-MM-DDTHH:MM`, or undefined where Temporal writes it otherwise. */
const wallText = (instant: Date, offsetMs: number): string | undefined => {
  const wall = new Date(instant.getTime() + offsetMs);
  const year = wall.getUTCFullYear();
  // Seconds in an offset (local mean time) and years beyond four digits read differently: leave them to Temporal.
  if (offsetMs % MINUTE_MS !== 0 || year < 0 || year > 9999) return undefined;
  return wall.toISOString().slice(0, 16);
};

/** {@link formatInZone} on a {@link ZoneClock}: the same text, without a zone lookup per instant. */
export const formatOnClock = (instant: Date, clock: ZoneClock): string => {
  const offsetMs = clock.offsetAt(instant.getTime());
  const wall = wallText(instant, offsetMs);
  return wall === undefined
    ? formatInZone(instant, clock.timeZone)
    : `${wall.replace('T', ' ')} ${offsetText(offsetMs)}`;
};

/** `HH:MM` wall-clock time of an instant on a {@link ZoneClock}. */
export const hhmmOnClock = (instant: Date, clock: ZoneClock): string => {
  const wall = new Date(instant.getTime() + clock.offsetAt(instant.getTime()));
  return `${twoDigits(wall.getUTCHours())}:${twoDigits(wall.getUTCMinutes())}`;
};

/** The local dates of `timeZone` that [from, to) touches, in order: the rows of a timeline. */
export const localDatesBetween = (from: Date, to: Date, timeZone: string): Temporal.PlainDate[] => {
  const dates: Temporal.PlainDate[] = [];
  const last = localDateOf(new Date(to.getTime() - 1), timeZone);
  for (
    let date = localDateOf(from, timeZone);
    Temporal.PlainDate.compare(date, last) <= 0;
    date = date.add({ days: 1 })
  )
    dates.push(date);
  return dates;
};

/** A local day as the timeline draws it: its bar slots and its length in hours. */
export interface LocalDay {
  /** Each slot's instant: the middle of its {@link barSlotMinutes} of wall-clock time. Non-decreasing. */
  readonly slots: number[];
  /** 24, or 23, 25, 23.5 … on a day the clocks change. */
  readonly hours: number;
}

/**
 * A local day of `clock`'s zone. Wall-clock times become instants by the 'compatible' rule (a time
 * in a spring-forward gap moves forward by the gap, a repeated time takes the earlier instant).
 */
export const localDay = (date: Temporal.PlainDate, clock: ZoneClock): LocalDay => {
  const wallMidnight = wallMidnightOf(date);
  // Every offset is under a day, so any instant a wall time of this day could have lies within a
  // day of it. With one offset over all of those, each wall time has exactly one instant, that
  // offset away: no gap, no repeat, no zone lookup.
  if (clock.steady(wallMidnight - DAY_MS, wallMidnight + 2 * DAY_MS)) {
    const midnight = wallMidnight - clock.offsetAt(wallMidnight);
    return {
      slots: Array.from({ length: SLOTS_PER_DAY }, (_, slot) => midnight + slot * SLOT_MS + SLOT_MS / 2),
      hours: 24,
    };
  }
  const { timeZone } = clock;
  return {
    slots: Array.from(
      { length: SLOTS_PER_DAY },
      (_, slot) =>
        date
          .toPlainDateTime({ hour: 0 })
          .add({ milliseconds: slot * SLOT_MS + SLOT_MS / 2 })
          .toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds,
    ),
    hours:
      (instantOfLocal(date.add({ days: 1 }), 0, timeZone).getTime() -
        instantOfLocal(date, 0, timeZone).getTime()) /
      3_600_000,
  };
};

/**
 * A bar of one character per slot instant (from {@link localDay}); `cellAt` says what an
 * instant looks like. A run of like cells is painted once: on a terminal a bar is a few colour
 * codes, not one per character.
 */
export const slotBar = (
  slots: readonly number[],
  cellAt: (instant: number) => BarCell,
  paint: Paint,
): string => {
  let bar = '';
  let run: BarCell | undefined;
  let length = 0;
  const flush = (): void => {
    if (run === undefined) return;
    const text = run.char.repeat(length);
    bar += run.colour ? paint(run.colour, text) : text;
  };
  for (const instant of slots) {
    const cell = cellAt(instant);
    if (run !== undefined && cell.char === run.char && cell.colour === run.colour) {
      length += 1;
    } else {
      flush();
      run = cell;
      length = 1;
    }
  }
  flush();
  return bar;
};

/**
 * A local day as a bar, one character per {@link barSlotMinutes}, each sampled in the middle of its
 * slot (so a change at :40 shows from the :30 slot on). `cellAt` says what an instant looks like.
 */
export const dayBar = (
  date: Temporal.PlainDate,
  timeZone: string,
  cellAt: (instant: number) => BarCell,
  paint: Paint,
): string => slotBar(localDay(date, zoneClock(timeZone)).slots, cellAt, paint);

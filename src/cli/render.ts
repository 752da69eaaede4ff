import { Temporal } from 'temporal-polyfill';

/**
 * Rendering helpers shared by shiftctl commands: aligned tables, colour that appears only on a
 * terminal, and instants written in a time zone. No command-specific knowledge here.
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
export const visibleLength = (text: string): number => [...text.replace(ANSI, '')].length;

/** A table column: its header and which side it aligns to (numbers read best on the right). */
export interface Column {
  header: string;
  align?: 'left' | 'right';
}

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

/** `2027-03-26 05:40 +01:00`: the wall-clock time in `timeZone` with its UTC offset. */
export const formatInZone = (instant: Date, timeZone: string): string => {
  const zoned = Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone);
  const time = zoned.toPlainTime().toString({ smallestUnit: 'minute' });
  return `${zoned.toPlainDate().toString()} ${time} ${zoned.offset}`;
};

/** `2027-03-26 04:40Z`: a compact UTC time for people (JSON output uses `toISOString()`). */
export const formatUtc = (instant: Date): string =>
  `${instant.toISOString().slice(0, 16).replace('T', ' ')}Z`;

/** Rounds for display (and JSON totals): engines keep full precision, output does not need it. */
export const roundTo = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round((value + Number.EPSILON) * factor) / factor;
};

/** `$1,234.50`-style US dollars. */
export const formatUsd = (value: number): string =>
  `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

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

/**
 * The instants of a local day's bar slots: the middle of each {@link barSlotMinutes} of wall-clock
 * time, by the 'compatible' rule (a slot in a spring-forward gap moves forward by the gap, one in
 * a repeated hour takes the earlier instant). Non-decreasing.
 */
export const daySlots = (date: Temporal.PlainDate, timeZone: string): number[] => {
  const wallOf = (slot: number) =>
    date.toPlainDateTime({ hour: 0 }).add({ seconds: (slot * barSlotMinutes + barSlotMinutes / 2) * 60 });
  const first = wallOf(0).toZonedDateTime(timeZone, { disambiguation: 'compatible' });
  const change = first.getTimeZoneTransition('next');
  const lastIfSteady = first.epochMilliseconds + (SLOTS_PER_DAY - 1) * SLOT_MS;
  // Most days keep one offset from the first slot to the last: every slot is then a fixed step
  // from the first, which spares a zone lookup per slot. The first slot must be its own wall time
  // (not moved out of a gap), or the steps would start from the wrong place.
  const firstIsItsWall = Temporal.PlainDateTime.compare(first.toPlainDateTime(), wallOf(0)) === 0;
  if (firstIsItsWall && (change === null || change.epochMilliseconds > lastIfSteady)) {
    return Array.from({ length: SLOTS_PER_DAY }, (_, slot) => first.epochMilliseconds + slot * SLOT_MS);
  }
  return Array.from(
    { length: SLOTS_PER_DAY },
    (_, slot) => wallOf(slot).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds,
  );
};

/** A bar of one character per slot instant (from {@link daySlots}); `cellAt` says what an instant looks like. */
export const slotBar = (
  slots: readonly number[],
  cellAt: (instant: number) => BarCell,
  paint: Paint,
): string => {
  let bar = '';
  for (const instant of slots) {
    const cell = cellAt(instant);
    bar += cell.colour ? paint(cell.colour, cell.char) : cell.char;
  }
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
): string => slotBar(daySlots(date, timeZone), cellAt, paint);

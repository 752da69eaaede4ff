import { Temporal } from 'temporal-polyfill';

// Units are written the same in the engine's notes and reasons as in every view.
export { formatUnits, type UnitsText } from '../schedule/units.ts';

/**
 * How shiftctl, the demo, the reports (text and HTML) and the benchmarks write values for people:
 * inference units, money, hours, shares, budgets and instants. Every view takes its text from
 * here, so one figure reads the same wherever it appears. JSON output keeps numbers and ISO
 * instants instead.
 */

/** Rounds for display (and JSON totals): engines keep full precision, output does not need it. */
export const roundTo = (value: number, decimals: number): number => {
  const factor = 10 ** decimals;
  return Math.round((value + Number.EPSILON) * factor) / factor;
};

/** `12.50`: hours or unit-hours with a fixed number of decimals (two unless told). */
export const formatHours = (value: number, decimals = 2): string =>
  roundTo(value, decimals).toFixed(decimals);

/** `$1,234.50`-style US dollars. */
export const formatUsd = (value: number): string =>
  `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** `62.4 %`, or `–` where there is no baseline. */
export const formatPercent = (value: number | undefined): string =>
  value === undefined ? '–' : `${roundTo(value, 1).toFixed(1)} %`;

/** `99.87 %`: a fraction as a percentage, to at most two decimals. */
export const formatShare = (fraction: number): string => `${roundTo(fraction * 100, 2)} %`;

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `Fri`: a date's weekday, as the timelines name it. */
export const formatWeekday = (date: Temporal.PlainDate): string => WEEKDAYS[date.dayOfWeek - 1] ?? '';

/** `Fri 2027-03-26`: a local date as a timeline row is labelled. */
export const formatDayLabel = (date: Temporal.PlainDate): string =>
  `${formatWeekday(date)} ${date.toString()}`;

/** What a monthly budget counts: US dollars or inference-unit hours. */
export type BudgetUnit = 'usd' | 'inferenceUnitHours';

/** An amount of a budget without its unit: `244.00` (USD) or `80.0` (unit-hours). */
const budgetFigure = (unit: BudgetUnit, amount: number): string =>
  unit === 'usd' ? formatHours(amount, 2) : formatHours(amount, 1);

const budgetUnitName = (unit: BudgetUnit): string => (unit === 'usd' ? 'USD' : 'unit-h');

/** The whole percent of a budget an amount takes (0 for a zero limit). */
const budgetShare = (amount: number, limit: number): number =>
  limit > 0 ? Math.round((amount / limit) * 100) : 0;

/** `244.00 USD` or `80.0 unit-h`. */
export const formatBudgetAmount = (unit: BudgetUnit, amount: number): string =>
  `${budgetFigure(unit, amount)} ${budgetUnitName(unit)}`;

/** A projection against its limit, each with its unit: `244.00 USD / 200.00 USD (122 %)`. */
export const formatBudgetProjection = (unit: BudgetUnit, projected: number, limit: number): string =>
  `${formatBudgetAmount(unit, projected)} / ${formatBudgetAmount(unit, limit)} (${budgetShare(projected, limit)} %)`;

/** What was spent against the limit, the unit once: `312.00 / 500.00 USD (62 %)` or `80.0 / 100.0 unit-h (80 %)`. */
export const formatBudgetUsed = (budget: {
  readonly unit: BudgetUnit;
  readonly spent: number;
  readonly limit: number;
}): string =>
  `${budgetFigure(budget.unit, budget.spent)} / ${budgetFigure(budget.unit, budget.limit)} ${budgetUnitName(budget.unit)} (${budgetShare(budget.spent, budget.limit)} %)`;

/** `2027-03-26 05:40 +01:00`: the wall-clock time in `timeZone` with its UTC offset. */
export const formatInZone = (instant: Date, timeZone: string): string => {
  const zoned = Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone);
  const time = zoned.toPlainTime().toString({ smallestUnit: 'minute' });
  return `${zoned.toPlainDate().toString()} ${time} ${zoned.offset}`;
};

/** `2027-03-26 04:40Z`: a compact UTC time for people (JSON output uses `toISOString()`). */
export const formatUtc = (instant: Date): string =>
  `${instant.toISOString().slice(0, 16).replace('T', ' ')}Z`;

import { Temporal } from 'temporal-polyfill';

/**
 * Zone maths for the schedule engine. Every wall-clock → instant conversion goes through
 * {@link instantOfLocal} so the whole product follows one DST rule: Temporal's 'compatible'
 * (a time in a spring-forward gap moves forward by the gap, a repeated time takes the earlier instant).
 */

const HH_MM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

/** Minutes after local midnight of an `HH:MM` string, or undefined when it is not `HH:MM`. */
export const minutesOfHhmm = (text: string): number | undefined => {
  const match = HH_MM.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
};

/** `HH:MM` of minutes after midnight (0 ≤ minutes < 1440). */
export const hhmmOfMinutes = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * Whether `name` is an IANA time zone this runtime knows. Offsets such as `+01:00` are refused:
 * a plant's shifts follow its civil time, DST included, which a fixed offset cannot express.
 */
export const isIanaTimeZone = (name: string): boolean => {
  if (!/^[A-Za-z]/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
};

/** Whether `text` is a real calendar date written `YYYY-MM-DD`. */
export const isIsoDate = (text: string): boolean => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  try {
    Temporal.PlainDate.from(text, { overflow: 'reject' });
    return true;
  } catch {
    return false;
  }
};

/**
 * The first and last instant the scheduler takes: the years 0001–9999, which ISO 8601 writes with
 * four digits. The engine looks days around an instant; at JavaScript's own limits (±273,790 years)
 * that arithmetic would leave the range of a Date.
 */
export const EARLIEST_INSTANT = new Date('0001-01-01T00:00:00.000Z');
export const LATEST_INSTANT = new Date('9999-12-31T23:59:59.999Z');

/** Whether `instant` lies in [{@link EARLIEST_INSTANT}, {@link LATEST_INSTANT}]. */
export const isSupportedInstant = (instant: Date): boolean =>
  instant.getTime() >= EARLIEST_INSTANT.getTime() && instant.getTime() <= LATEST_INSTANT.getTime();

/** The instant of local `date` at `minutes` after midnight in `timeZone`, by the 'compatible' rule. */
export const instantOfLocal = (date: Temporal.PlainDate, minutes: number, timeZone: string): Date => {
  const wall = date.toPlainDateTime({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
  return new Date(wall.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds);
};

/** The zoned date-time of an instant in `timeZone`. */
export const zonedOf = (instant: Date, timeZone: string): Temporal.ZonedDateTime =>
  Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone);

/**
 * Local dates asked for lately. A pass asks for the same few instants for every model it decides
 * on, and the zone maths is the costly part; dates are immutable values, so sharing one is safe.
 * Bounded: it forgets everything once full.
 */
const recentLocalDates = new Map<string, Temporal.PlainDate>();
const recentLocalDatesLimit = 1024;

/** The local calendar date of an instant in `timeZone`. */
export const localDateOf = (instant: Date, timeZone: string): Temporal.PlainDate => {
  const key = `${timeZone} ${instant.getTime()}`;
  let date = recentLocalDates.get(key);
  if (date === undefined) {
    date = zonedOf(instant, timeZone).toPlainDate();
    if (recentLocalDates.size >= recentLocalDatesLimit) recentLocalDates.clear();
    recentLocalDates.set(key, date);
  }
  return date;
};

/** Whether the wall-clock time exists on that local date (false inside a spring-forward gap). */
export const localTimeExists = (date: Temporal.PlainDate, minutes: number, timeZone: string): boolean => {
  const wall = date.toPlainDateTime({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
  const back = wall.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).toPlainDateTime();
  return Temporal.PlainDateTime.compare(wall, back) === 0;
};

/** `HH:MM` wall-clock time of an instant in `timeZone`. */
export const localHhmm = (instant: Date, timeZone: string): string => {
  const zoned = zonedOf(instant, timeZone);
  return `${String(zoned.hour).padStart(2, '0')}:${String(zoned.minute).padStart(2, '0')}`;
};

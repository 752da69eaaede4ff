/**
 * The month bench's fleet: `models` Lookout for Vision models spread over `projects` projects,
 * following the example shifts.yml schedules and night, weekend and split-shift variants, with
 * calendars that close dates inside the month. The month starts on Monday 2027-01-04 in
 * Europe/Berlin and ends before the spring-forward change (2027-03-28), so no clock change falls
 * inside any run of up to 12 weeks.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type ShiftsConfig, validateShifts } from '../../src/providers/config.ts';

/** Midnight of the fixed Monday the month begins on. */
export const monthStart = new Date('2027-01-04T00:00:00+01:00');

const exampleFile = new URL('../../shifts.yml', import.meta.url);

/** The variants beside the example's two schedules: each one a pattern a plant runs. */
const variants = {
  // Three nights a week at a second plant, its own closed dates.
  'weekday-night': {
    calendar: 'munich-plant',
    shifts: [{ name: 'night', days: 'mon-thu', start: '22:00', end: '06:00', minInferenceUnits: 1 }],
  },
  // A weekend-only line.
  'weekend-day': {
    shifts: [{ name: 'day', days: 'sat,sun', start: '08:00', end: '16:00', minInferenceUnits: 1 }],
  },
  // Two halves with a break shorter than a start takes: stopping over it can only lose minutes.
  'split-short-break': {
    calendar: 'berlin-plant',
    shifts: [
      { name: 'morning', days: 'mon-fri', start: '06:00', end: '10:00', minInferenceUnits: 1 },
      { name: 'midday', days: 'mon-fri', start: '10:30', end: '14:00', minInferenceUnits: 1 },
    ],
  },
  // Two halves with a long break: worth stopping over.
  'split-long-break': {
    calendar: 'munich-plant',
    shifts: [
      { name: 'morning', days: 'mon-fri', start: '07:00', end: '11:00', minInferenceUnits: 2 },
      { name: 'evening', days: 'mon-fri', start: '15:00', end: '19:00', minInferenceUnits: 1 },
    ],
  },
  // A single day shift six days a week.
  'six-day': {
    shifts: [{ name: 'day', days: 'mon-sat', start: '07:30', end: '16:00', minInferenceUnits: 1 }],
  },
} as const;

/** Closed dates inside the month, so the bench also crosses days a schedule skips. */
const calendars = {
  'berlin-plant': ['2027-01-06', '2027-01-18..2027-01-19'],
  'munich-plant': ['2027-01-06', '2027-01-27'],
} as const;

/**
 * The fleet as a validated shifts config. Model `i` (from 0) is `line-<i mod projects>` version
 * `<i div projects + 1>`, on the schedules in turn; every fifth model keeps the example's own
 * lead override of 30 minutes.
 */
export const monthFleet = (models: number, projects: number): ShiftsConfig => {
  const example = parse(readFileSync(exampleFile, 'utf8')) as {
    calendars: Record<string, { closed: string[] }>;
    schedules: Record<string, object>;
  } & Record<string, unknown>;
  const schedules = { ...example.schedules, ...variants };
  const names = Object.keys(schedules);
  const document = {
    ...example,
    calendars: Object.fromEntries(
      Object.entries(calendars).map(([name, closed]) => [
        name,
        { closed: [...(example.calendars[name]?.closed ?? []), ...closed] },
      ]),
    ),
    schedules,
    models: Array.from({ length: models }, (_, i) => ({
      id: `model-${String(i + 1).padStart(3, '0')}`,
      provider: 'lookoutvision',
      projectName: `line-${(i % projects) + 1}`,
      modelVersion: String(Math.floor(i / projects) + 1),
      schedule: names[i % names.length],
      ...(i % 5 === 4 ? { leadMinutes: 30 } : {}),
    })),
  };
  return validateShifts(document, 'month fleet');
};

/** `config` with every lead replaced by `leadMinutes`: the same fleet under one lead rule (a number, or `auto`). */
export const withLead = (config: ShiftsConfig, leadMinutes: number | 'auto'): ShiftsConfig => {
  const strip = <T extends object>(entry: T): T => {
    const { leadMinutes: _, ...rest } = entry as T & { leadMinutes?: unknown };
    return rest as T;
  };
  return {
    ...config,
    defaults: { ...config.defaults, leadMinutes },
    schedules: Object.fromEntries(Object.entries(config.schedules).map(([name, s]) => [name, strip(s)])),
    models: config.models.map(strip),
  };
};

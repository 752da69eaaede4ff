import { validateShifts } from '../../../src/providers/config.ts';
import type { SchedulerConfig } from '../../../src/schedule/config.ts';

/** A shift as written in shifts.yml. */
export interface ShiftInput {
  name: string;
  days: string;
  start: string;
  end: string;
  minInferenceUnits: number;
  maxInferenceUnits?: number;
}

/** One model on one schedule; everything a scenario does not name takes a plain value. */
export interface ScenarioInput {
  timezone: string;
  shifts: readonly ShiftInput[];
  closed?: readonly string[];
  leadMinutes?: number | 'auto';
  unitChange?: 'keep-highest' | 'restart';
  price?: number;
  model?: string;
}

/** A validated one-model config, built through the same validation a shifts.yml goes through. */
export const scenario = (input: ScenarioInput): SchedulerConfig =>
  validateShifts(
    {
      version: 1,
      defaults: { leadMinutes: input.leadMinutes ?? 0, pricePerInferenceUnitHour: input.price ?? 4 },
      ...(input.closed ? { calendars: { plant: { closed: [...input.closed] } } } : {}),
      schedules: {
        plant: {
          timezone: input.timezone,
          ...(input.closed ? { calendar: 'plant' } : {}),
          ...(input.unitChange ? { unitChange: input.unitChange } : {}),
          shifts: input.shifts.map((shift) => ({ ...shift })),
        },
      },
      models: [
        {
          id: input.model ?? 'line-1',
          provider: 'lookoutvision',
          projectName: 'p',
          modelVersion: '1',
          schedule: 'plant',
        },
      ],
    },
    'test.yml',
  );

/** An instant from an ISO string; tests read better with literal instants. */
export const at = (iso: string): Date => new Date(iso);

/** Hours between two instants. */
export const hoursBetween = (start: Date, end: Date): number => (end.getTime() - start.getTime()) / 3_600_000;

/** A window reduced to what a scenario asserts, with ISO instants. */
export const brief = (window: { shift: string; localDate: string; start: Date; end: Date }) => ({
  shift: window.shift,
  localDate: window.localDate,
  start: window.start.toISOString(),
  end: window.end.toISOString(),
});

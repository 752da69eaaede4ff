import { Temporal } from 'temporal-polyfill';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderPlan } from '../../../src/cli/commands/plan.ts';
import { painter } from '../../../src/cli/render.ts';
import { validateShifts } from '../../../src/providers/config.ts';
import type { SchedulerConfig } from '../../../src/schedule/config.ts';
import { type Plan, planBetween } from '../../../src/schedule/plan.ts';

/** `count` models per zone, half on two weekday shifts, half on nights (one with a shift across midnight). */
const fleet = (zones: readonly string[], count: number): SchedulerConfig =>
  validateShifts(
    {
      version: 1,
      defaults: { timezone: 'UTC', leadMinutes: 20, pricePerInferenceUnitHour: 4 },
      calendars: { plant: { closed: ['2027-03-29', '2027-09-06'] } },
      schedules: Object.fromEntries(
        zones.flatMap((timezone, index) => [
          [
            `days-${index}`,
            {
              timezone,
              calendar: 'plant',
              shifts: [
                { name: 'early', days: 'mon-fri', start: '06:00', end: '14:00', minInferenceUnits: 2 },
                { name: 'late', days: 'mon-fri', start: '14:00', end: '22:00', minInferenceUnits: 1 },
              ],
            },
          ],
          [
            `nights-${index}`,
            {
              timezone,
              shifts: [
                { name: 'night', days: 'fri-sun', start: '22:00', end: '06:00', minInferenceUnits: 1 },
                { name: 'small', days: 'mon-thu', start: '23:30', end: '01:30', minInferenceUnits: 1 },
              ],
            },
          ],
        ]),
      ),
      models: zones.flatMap((_, zone) =>
        Array.from({ length: count }, (_, index) => ({
          id: `z${zone}-m${String(index).padStart(2, '0')}`,
          provider: 'lookoutvision',
          projectName: `z${zone}-m${index}`,
          modelVersion: '1',
          schedule: `${index % 2 === 0 ? 'days' : 'nights'}-${zone}`,
        })),
      ),
    },
    'fleet.yml',
  );

const text = (config: SchedulerConfig, from: string, to: string): string =>
  renderPlan(config, planBetween(config, new Date(from), new Date(to)), painter(false));

const timelineRows = (rendered: string): string[] =>
  rendered.split('\n').filter((line) => /^[A-Z][a-z]{2} \d{4}-\d{2}-\d{2} /.test(line));

/** The plan with every window and run counting how often its instants are read. */
const countingReads = (plan: Plan): { plan: Plan; reads: () => number } => {
  let reads = 0;
  const watched = <T extends object>(item: T): T =>
    new Proxy(item, {
      get: (target, key, receiver) => {
        if (key === 'start' || key === 'end' || key === 'startAt') reads += 1;
        return Reflect.get(target, key, receiver);
      },
    });
  return {
    plan: { ...plan, windows: plan.windows.map(watched), runs: plan.runs.map(watched) },
    reads: () => reads,
  };
};

describe('plan as text', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('draws the days around clock changes, at midnight and by half an hour, as it always has', () => {
    // Prepare
    const config = fleet(['America/Santiago', 'Australia/Lord_Howe', 'Europe/Berlin'], 2);
    const ranges = [
      ['2027-04-02T12:00:00Z', '2027-04-05T12:00:00Z'],
      ['2027-09-03T12:00:00Z', '2027-09-06T12:00:00Z'],
      ['2027-10-01T12:00:00Z', '2027-10-04T12:00:00Z'],
      ['2027-03-27T00:00:00Z', '2027-03-30T00:00:00Z'],
    ];

    // Act
    const rows = ranges.flatMap(([from = '', to = '']) => timelineRows(text(config, from, to)));

    // Assess
    expect(rows.join('\n')).toMatchSnapshot();
  });

  it('reads each window and run a bounded number of times, not once per timeline slot', () => {
    // Prepare
    const config = fleet(['Europe/Berlin'], 2);
    const planned = planBetween(config, new Date('2027-03-01T00:00:00Z'), new Date('2027-05-01T00:00:00Z'));
    const { plan, reads } = countingReads(planned);

    // Act
    renderPlan(config, plan, painter(false));

    // Assess
    expect(planned.windows.length).toBeGreaterThan(100);
    expect(reads()).toBeLessThanOrEqual(8 * (planned.windows.length + planned.runs.length));
  });

  it('converts each local day of a zone to instants once, however many models share the zone', () => {
    // Prepare
    const conversions = vi.spyOn(Temporal.PlainDateTime.prototype, 'toZonedDateTime');
    const days = 28;
    const from = '2027-03-15T00:00:00Z';
    const to = '2027-04-12T00:00:00Z';
    const countFor = (models: number): number => {
      const config = fleet(['Europe/Berlin'], models);
      const plan = planBetween(config, new Date(from), new Date(to));
      conversions.mockClear();
      renderPlan(config, plan, painter(false));
      return conversions.mock.calls.length;
    };

    // Act
    const one = countFor(1);
    const many = countFor(12);

    // Assess: the days next to the one clock change (Berlin, 28 March) may be converted slot by
    // slot, 96 slots and a few instants each; the other days a few instants at most.
    expect(many).toBe(one);
    expect(one).toBeLessThanOrEqual(3 * (96 + 3) + days);
  });
});

describe('plan as text, long', () => {
  it('draws more timeline rows than a function call takes arguments', () => {
    // Prepare: a year of 400 models, hand-made so the engine's own time stays out of the test.
    const config = fleet(['UTC'], 400);
    const from = new Date('2027-01-01T00:00:00Z');
    const to = new Date('2028-01-01T00:00:00Z');
    const plan: Plan = {
      from,
      to,
      windows: [],
      runs: [],
      actions: [],
      totals: { inferenceUnitHours: 0, cost: 0 },
      models: config.models.map(({ id }) => ({ model: id, hostedHours: 0, inferenceUnitHours: 0, cost: 0 })),
      notes: [],
    };

    // Act
    const rows = timelineRows(renderPlan(config, plan, painter(false)));

    // Assess
    expect(rows).toHaveLength(400 * 365);
    expect(rows.at(-1)).toBe(`Fri 2027-12-31  ${'.'.repeat(96)}`);
  });
});

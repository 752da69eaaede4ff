import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { formatInZone } from '../../../src/cli/format.ts';
import {
  barSlotMinutes,
  formatOnClock,
  hhmmOnClock,
  localDatesBetween,
  localDay,
  renderTable,
  zoneClock,
} from '../../../src/cli/render.ts';
import { instantOfLocal, localHhmm } from '../../../src/schedule/zoned.ts';

/** The definition of a slot: the middle of its wall-clock quarter hour, by the 'compatible' rule. */
const slotsByDefinition = (date: Temporal.PlainDate, timeZone: string): number[] =>
  Array.from(
    { length: 1440 / barSlotMinutes },
    (_, slot) =>
      date
        .toPlainDateTime({ hour: 0 })
        .add({ seconds: (slot * barSlotMinutes + barSlotMinutes / 2) * 60 })
        .toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds,
  );

/** Zones whose clocks change at midnight, by half an hour, by a whole day, or twice in a year. */
const zones = [
  'Europe/Berlin',
  'America/New_York',
  'America/Santiago',
  'America/Havana',
  'America/Asuncion',
  'Australia/Lord_Howe',
  'Asia/Gaza',
  'Africa/Casablanca',
  'Pacific/Apia',
  'Antarctica/Troll',
  'Asia/Kolkata',
  'UTC',
];

/** The length of a local day by definition: from its midnight to the next, by the 'compatible' rule. */
const hoursByDefinition = (date: Temporal.PlainDate, timeZone: string): number =>
  (instantOfLocal(date.add({ days: 1 }), 0, timeZone).getTime() -
    instantOfLocal(date, 0, timeZone).getTime()) /
  3_600_000;

/** Random instants 1990–2040, and the next clock change after each in a zone (or the instant itself). */
const nearChange = (timeZone: string, epochMs: number): Temporal.ZonedDateTime => {
  const near = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone);
  return near.getTimeZoneTransition('next') ?? near;
};

const instants = fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) });

describe('localDay', () => {
  it('gives each slot the instant its wall-clock middle has, and the day its length, around every clock change', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        instants,
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 7 }),
        (timeZone, epochMs, dayOffsets) => {
          // Prepare: days near the next clock change after a random instant, asked of one clock in any order.
          const change = nearChange(timeZone, epochMs).toPlainDate();
          const clock = zoneClock(timeZone);

          for (const offset of dayOffsets) {
            const date = change.add({ days: offset });

            // Act
            const day = localDay(date, clock);

            // Assess
            expect(day.slots).toEqual(slotsByDefinition(date, timeZone));
            expect(day.hours).toBe(hoursByDefinition(date, timeZone));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('formatOnClock and hhmmOnClock', () => {
  it('write what formatInZone and localHhmm write, for instants around clock changes in any order', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones, 'Europe/Amsterdam', 'Africa/Monrovia', 'America/Sao_Paulo'),
        fc.integer({ min: Date.UTC(1850, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.array(fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 }), { minLength: 1, maxLength: 12 }),
        (timeZone, epochMs, shifts) => {
          // Prepare
          const change = nearChange(timeZone, epochMs).epochMilliseconds;
          const clock = zoneClock(timeZone);

          for (const shift of shifts) {
            const instant = new Date(change + shift);

            // Act
            const written = [formatOnClock(instant, clock), hhmmOnClock(instant, clock)];

            // Assess
            expect(written).toEqual([formatInZone(instant, timeZone), localHhmm(instant, timeZone)]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('localDatesBetween', () => {
  it("lists the zone's dates that a range touches, its end excluded", () => {
    const dates = (from: string, to: string, timeZone: string) =>
      localDatesBetween(new Date(from), new Date(to), timeZone).map((date) => date.toString());
    expect(dates('2027-03-26T00:00:00+01:00', '2027-03-29T00:00:00+02:00', 'Europe/Berlin')).toEqual([
      '2027-03-26',
      '2027-03-27',
      '2027-03-28',
    ]);
    expect(dates('2027-03-26T05:00:00Z', '2027-03-26T05:01:00Z', 'America/New_York')).toEqual(['2027-03-26']);
    expect(dates('2027-03-26T23:30:00Z', '2027-03-27T00:30:00Z', 'Europe/Berlin')).toEqual(['2027-03-27']);
  });
});

describe('renderTable', () => {
  it('renders more rows than a function call takes arguments', () => {
    // Prepare
    const rows = Array.from({ length: 300_000 }, (_, index) => [`row ${index}`, `${index % 7}`]);

    // Act
    const table = renderTable(['NAME', { header: 'N', align: 'right' }], rows);

    // Assess
    const lines = table.split('\n');
    expect(lines).toHaveLength(300_001);
    expect(lines[0]).toBe('NAME        N');
    expect(lines[300_000]).toBe('row 299999  0');
  });
});

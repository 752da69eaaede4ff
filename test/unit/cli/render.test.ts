import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { barSlotMinutes, daySlots, renderTable } from '../../../src/cli/render.ts';

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

describe('daySlots', () => {
  it('gives each slot the instant its wall-clock middle has, on the days around every clock change', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.integer({ min: -1, max: 1 }),
        (timeZone, epochMs, dayOffset) => {
          // Prepare: the local day of the next clock change after a random instant, or the one beside it.
          const near = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone);
          const change = near.getTimeZoneTransition('next') ?? near;
          const date = change.toPlainDate().add({ days: dayOffset });

          // Act
          const slots = daySlots(date, timeZone);

          // Assess
          expect(slots).toEqual(slotsByDefinition(date, timeZone));
        },
      ),
      { numRuns: 300 },
    );
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

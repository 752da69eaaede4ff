import { describe, expect, it } from 'vitest';
import { windowsBetween } from '../../../src/schedule/windows.ts';
import { at, brief, hoursBetween, scenario } from './builders.ts';

const night = { name: 'night', days: 'sat', start: '22:00', end: '06:00', minInferenceUnits: 1 };

describe('night shift across a daylight-saving change lasts what the clocks make it', () => {
  it.each([
    // zone, Saturday of the change, start (UTC), end (UTC), real hours
    ['Europe/Berlin', '2026-03-28', '2026-03-28T21:00:00.000Z', '2026-03-29T04:00:00.000Z', 7],
    ['Europe/Berlin', '2026-10-24', '2026-10-24T20:00:00.000Z', '2026-10-25T05:00:00.000Z', 9],
    ['America/New_York', '2026-03-07', '2026-03-08T03:00:00.000Z', '2026-03-08T10:00:00.000Z', 7],
    ['America/New_York', '2026-10-31', '2026-11-01T02:00:00.000Z', '2026-11-01T11:00:00.000Z', 9],
    ['Australia/Sydney', '2026-04-04', '2026-04-04T11:00:00.000Z', '2026-04-04T20:00:00.000Z', 9],
    ['Australia/Sydney', '2026-10-03', '2026-10-03T12:00:00.000Z', '2026-10-03T19:00:00.000Z', 7],
    ['Australia/Lord_Howe', '2026-04-04', '2026-04-04T11:00:00.000Z', '2026-04-04T19:30:00.000Z', 8.5],
    ['Australia/Lord_Howe', '2026-10-03', '2026-10-03T11:30:00.000Z', '2026-10-03T19:00:00.000Z', 7.5],
    ['Pacific/Chatham', '2026-04-04', '2026-04-04T08:15:00.000Z', '2026-04-04T17:15:00.000Z', 9],
    ['Pacific/Chatham', '2026-09-26', '2026-09-26T09:15:00.000Z', '2026-09-26T16:15:00.000Z', 7],
    ['Asia/Kathmandu', '2026-03-28', '2026-03-28T16:15:00.000Z', '2026-03-29T00:15:00.000Z', 8],
    ['America/St_Johns', '2026-03-07', '2026-03-08T01:30:00.000Z', '2026-03-08T08:30:00.000Z', 7],
    ['America/St_Johns', '2026-10-31', '2026-11-01T00:30:00.000Z', '2026-11-01T09:30:00.000Z', 9],
  ])('%s night starting %s', (timezone, localDate, start, end, hours) => {
    // Prepare
    const config = scenario({ timezone, shifts: [night] });

    // Act
    const midnightUtc = at(`${localDate}T00:00:00Z`).getTime();
    const windows = windowsBetween(
      config,
      new Date(midnightUtc - 12 * 3_600_000),
      new Date(midnightUtc + 36 * 3_600_000),
    );

    // Assess
    expect(windows.map(brief)).toEqual([{ shift: 'night', localDate, start, end }]);
    const [window] = windows;
    expect(window && hoursBetween(window.start, window.end)).toBe(hours);
  });
});

describe('a start inside the spring-forward gap moves forward by the gap', () => {
  it.each([
    ['Europe/Berlin', '2026-03-29', '02:30', '2026-03-29T01:30:00.000Z'],
    ['America/New_York', '2026-03-08', '02:30', '2026-03-08T07:30:00.000Z'],
    ['Australia/Sydney', '2026-10-04', '02:30', '2026-10-03T16:30:00.000Z'],
    ['Australia/Lord_Howe', '2026-10-04', '02:15', '2026-10-03T15:45:00.000Z'],
    ['Pacific/Chatham', '2026-09-27', '03:00', '2026-09-26T14:15:00.000Z'],
    ['America/St_Johns', '2026-03-08', '02:30', '2026-03-08T06:00:00.000Z'],
  ])('%s %s %s', (timezone, localDate, start, expected) => {
    // Prepare
    const config = scenario({
      timezone,
      shifts: [{ name: 'early', days: 'mon-sun', start, end: '08:00', minInferenceUnits: 1 }],
    });

    const dayStart = at(`${localDate}T00:00:00Z`);

    // Act
    const windows = windowsBetween(
      config,
      new Date(dayStart.getTime() - 86_400_000),
      new Date(dayStart.getTime() + 86_400_000),
    );

    // Assess
    expect(windows.filter((w) => w.localDate === localDate).map((w) => w.start.toISOString())).toEqual([
      expected,
    ]);
  });
});

describe('a start in the repeated hour of a fall-back day takes the earlier instant', () => {
  it.each([
    ['Europe/Berlin', '2026-10-25', '02:30', '2026-10-25T00:30:00.000Z'],
    ['America/New_York', '2026-11-01', '01:30', '2026-11-01T05:30:00.000Z'],
    ['Australia/Sydney', '2026-04-05', '02:30', '2026-04-04T15:30:00.000Z'],
    ['Australia/Lord_Howe', '2026-04-05', '01:45', '2026-04-04T14:45:00.000Z'],
    ['Pacific/Chatham', '2026-04-05', '03:00', '2026-04-04T13:15:00.000Z'],
    ['America/St_Johns', '2026-11-01', '01:30', '2026-11-01T04:00:00.000Z'],
  ])('%s %s %s', (timezone, localDate, start, expected) => {
    // Prepare
    const config = scenario({
      timezone,
      shifts: [{ name: 'early', days: 'mon-sun', start, end: '08:00', minInferenceUnits: 1 }],
    });
    const dayStart = at(`${localDate}T00:00:00Z`);

    // Act
    const windows = windowsBetween(
      config,
      new Date(dayStart.getTime() - 86_400_000),
      new Date(dayStart.getTime() + 86_400_000),
    );

    // Assess
    expect(windows.filter((w) => w.localDate === localDate).map((w) => w.start.toISOString())).toEqual([
      expected,
    ]);
  });
});

describe('windows', () => {
  it('drops a short shift whose resolved end is not after its start (inside the spring-forward gap)', () => {
    // Prepare: 02:30 becomes 03:30 while 03:15 exists, so the occurrence would end before it starts.
    const config = scenario({
      timezone: 'Europe/Berlin',
      shifts: [{ name: 'odd', days: 'sat,sun', start: '02:30', end: '03:15', minInferenceUnits: 1 }],
    });

    // Act
    const windows = windowsBetween(config, at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'));

    // Assess: Saturday's occurrence stays, the spring-forward Sunday's is gone.
    expect(windows.map(brief)).toEqual([
      {
        shift: 'odd',
        localDate: '2026-03-28',
        start: '2026-03-28T01:30:00.000Z',
        end: '2026-03-28T02:15:00.000Z',
      },
    ]);
  });

  it('reads a wrapping fri-mon range as Friday, Saturday, Sunday and Monday', () => {
    // Prepare
    const config = scenario({
      timezone: 'Asia/Kathmandu',
      shifts: [{ name: 'day', days: 'fri-mon', start: '08:00', end: '16:00', minInferenceUnits: 1 }],
    });

    // Act: Monday 2026-06-01 to Monday 2026-06-08 (local), a whole week.
    const windows = windowsBetween(config, at('2026-05-31T18:15:00Z'), at('2026-06-07T18:15:00Z'));

    // Assess
    expect(windows.map((w) => w.localDate)).toEqual(['2026-06-01', '2026-06-05', '2026-06-06', '2026-06-07']);
    expect(windows[0]?.start.toISOString()).toBe('2026-06-01T02:15:00.000Z');
  });

  it('skips occurrences starting on closed dates, ranges inclusive across the year end', () => {
    // Prepare
    const config = scenario({
      timezone: 'Europe/Berlin',
      closed: ['2026-12-30..2027-01-02', '2027-01-05'],
      shifts: [{ name: 'day', days: 'mon-sun', start: '08:00', end: '16:00', minInferenceUnits: 1 }],
    });

    // Act
    const windows = windowsBetween(config, at('2026-12-28T00:00:00Z'), at('2027-01-07T00:00:00Z'));

    // Assess
    expect(windows.map((w) => w.localDate)).toEqual([
      '2026-12-28',
      '2026-12-29',
      '2027-01-03',
      '2027-01-04',
      '2027-01-06',
    ]);
  });

  it('closes a night shift by the date it starts on, not the date it ends on', () => {
    // Prepare: the night of the 24th is closed; the night of the 23rd runs into the 24th.
    const config = scenario({
      timezone: 'Europe/Berlin',
      closed: ['2026-12-24'],
      shifts: [{ ...night, days: 'mon-sun' }],
    });

    // Act
    const windows = windowsBetween(config, at('2026-12-23T12:00:00Z'), at('2026-12-25T12:00:00Z'));

    // Assess
    expect(windows.map(brief)).toEqual([
      {
        shift: 'night',
        localDate: '2026-12-23',
        start: '2026-12-23T21:00:00.000Z',
        end: '2026-12-24T05:00:00.000Z',
      },
    ]);
  });

  it('returns whole windows that overlap the range, sorted by start, model and shift', () => {
    // Prepare
    const config = scenario({
      timezone: 'Europe/Berlin',
      shifts: [
        { name: 'b', days: 'mon', start: '06:00', end: '14:00', minInferenceUnits: 1 },
        { name: 'a', days: 'mon', start: '06:00', end: '10:00', minInferenceUnits: 1, maxInferenceUnits: 3 },
      ],
    });

    // Act: a range of one minute inside the shifts.
    const windows = windowsBetween(config, at('2026-06-01T07:00:00Z'), at('2026-06-01T07:01:00Z'));

    // Assess
    expect(windows).toEqual([
      {
        model: 'line-1',
        schedule: 'plant',
        shift: 'a',
        localDate: '2026-06-01',
        start: at('2026-06-01T04:00:00Z'),
        end: at('2026-06-01T08:00:00Z'),
        minInferenceUnits: 1,
        maxInferenceUnits: 3,
      },
      {
        model: 'line-1',
        schedule: 'plant',
        shift: 'b',
        localDate: '2026-06-01',
        start: at('2026-06-01T04:00:00Z'),
        end: at('2026-06-01T12:00:00Z'),
        minInferenceUnits: 1,
      },
    ]);
    expect(windows[1]).not.toHaveProperty('maxInferenceUnits');
  });

  it('leaves out a window that ends exactly at the start of the range', () => {
    // Prepare
    const config = scenario({
      timezone: 'UTC',
      shifts: [{ name: 'day', days: 'mon', start: '06:00', end: '14:00', minInferenceUnits: 1 }],
    });

    // Act
    const atEnd = windowsBetween(config, at('2026-06-01T14:00:00Z'), at('2026-06-01T15:00:00Z'));
    const atStart = windowsBetween(config, at('2026-06-01T05:00:00Z'), at('2026-06-01T06:00:00Z'));

    // Assess
    expect(atEnd).toEqual([]);
    expect(atStart).toEqual([]);
  });
});

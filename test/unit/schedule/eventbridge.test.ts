import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseShiftsText } from '../../../src/providers/config.ts';
import { schedulerNameText } from '../../../src/schedule/config.ts';
import { firingsBetween, schedulerEntries, springForwardSkips } from '../../../src/schedule/eventbridge.ts';
import { planBetween } from '../../../src/schedule/plan.ts';
import { at, scenario } from './builders.ts';

const pick = (entries: ReturnType<typeof schedulerEntries>) =>
  entries.map((e) => [e.kind, e.expression, e.timezone, e.shifts, e.leadMinutes]);

describe('schedulerEntries', () => {
  it('gives the INTERFACE.md example a start before each run and a stop at each run end only', () => {
    // Prepare
    const config = parseShiftsText(
      readFileSync(new URL('../../support/fixtures/interface-example.yml', import.meta.url), 'utf8'),
      'shifts.yml',
    );

    // Act
    const entries = schedulerEntries(config);

    // Assess: no stop at 14:00 (early → late runs on), night stops fall on the next weekday.
    expect(pick(entries)).toEqual([
      ['start', 'cron(40 5 ? * MON-FRI *)', 'Europe/Berlin', ['early'], 20],
      ['stop', 'cron(0 22 ? * MON-FRI *)', 'Europe/Berlin', ['late'], undefined],
      ['start', 'cron(30 21 ? * SUN,FRI,SAT *)', 'Europe/Berlin', ['night'], 30],
      ['stop', 'cron(0 6 ? * SUN,MON,SAT *)', 'Europe/Berlin', ['night'], undefined],
    ]);
    for (const entry of entries) expect(entry.name).toMatch(/^[0-9a-zA-Z\-_.]{1,64}$/);
  });

  it('moves a start to the previous weekday when the lead crosses midnight', () => {
    // Prepare
    const config = scenario({
      timezone: 'America/St_Johns',
      leadMinutes: 30,
      shifts: [{ name: 'early', days: 'mon,wed', start: '00:10', end: '08:00', minInferenceUnits: 1 }],
    });

    // Act
    const entries = schedulerEntries(config);

    // Assess
    expect(pick(entries)).toEqual([
      ['start', 'cron(40 23 ? * SUN,TUE *)', 'America/St_Johns', ['early'], 30],
      ['stop', 'cron(0 8 ? * MON,WED *)', 'America/St_Johns', ['early'], undefined],
    ]);
  });

  it('with unitChange restart adds a stop and a lead-free start at a boundary where units change', () => {
    // Prepare
    const config = scenario({
      timezone: 'Europe/Berlin',
      leadMinutes: 20,
      unitChange: 'restart',
      shifts: [
        { name: 'early', days: 'mon-fri', start: '06:00', end: '14:00', minInferenceUnits: 2 },
        { name: 'late', days: 'mon-fri', start: '14:00', end: '22:00', minInferenceUnits: 1 },
      ],
    });

    // Act
    const entries = schedulerEntries(config);

    // Assess
    expect(pick(entries)).toEqual([
      ['start', 'cron(40 5 ? * MON-FRI *)', 'Europe/Berlin', ['early'], 20],
      ['stop', 'cron(0 14 ? * MON-FRI *)', 'Europe/Berlin', ['early'], undefined],
      ['start', 'cron(0 14 ? * MON-FRI *)', 'Europe/Berlin', ['late'], 0],
      ['stop', 'cron(0 22 ? * MON-FRI *)', 'Europe/Berlin', ['late'], undefined],
    ]);
  });

  it('groups starts by lead when models on one schedule have different leads', () => {
    // Prepare
    const base = scenario({
      timezone: 'UTC',
      leadMinutes: 10,
      shifts: [{ name: 'day', days: 'mon-sun', start: '08:00', end: '16:00', minInferenceUnits: 1 }],
    });
    const config = {
      ...base,
      models: [
        ...base.models,
        { ...base.models[0], id: 'line-2', leadMinutes: 45 } as (typeof base.models)[number],
      ],
    };

    // Act
    const entries = schedulerEntries(config);

    // Assess
    expect(entries.map((e) => [e.kind, e.expression, e.models])).toEqual([
      ['start', 'cron(50 7 ? * * *)', ['line-1']],
      ['start', 'cron(15 7 ? * * *)', ['line-2']],
      ['stop', 'cron(0 16 ? * * *)', ['line-1', 'line-2']],
    ]);
    expect(new Set(entries.map((e) => e.name)).size).toBe(3);
  });
});

describe('springForwardSkips', () => {
  it('finds a start whose local time does not exist on the spring-forward day, and no other', () => {
    // Prepare: Lord Howe skips 02:00–02:30 on 2026-10-04.
    const config = scenario({
      timezone: 'Australia/Lord_Howe',
      shifts: [{ name: 'early', days: 'mon-sun', start: '02:15', end: '09:00', minInferenceUnits: 1 }],
    });

    // Act
    const skips = springForwardSkips(config, at('2026-09-30T00:00:00Z'), at('2026-10-08T00:00:00Z'));

    // Assess
    expect(skips.map((s) => [s.entry.kind, s.localDate, s.at.toISOString()])).toEqual([
      ['start', '2026-10-04', '2026-10-03T15:45:00.000Z'],
    ]);
  });
});

describe('firingsBetween', () => {
  it('lists every firing in the range, marking the one EventBridge Scheduler skips', () => {
    // Prepare
    const config = scenario({
      timezone: 'America/New_York',
      shifts: [{ name: 'early', days: 'sat,sun', start: '02:30', end: '09:00', minInferenceUnits: 1 }],
    });

    // Act: Saturday 2026-03-07 and the spring-forward Sunday 2026-03-08.
    const firings = firingsBetween(config, at('2026-03-07T00:00:00Z'), at('2026-03-09T00:00:00Z'));

    // Assess
    expect(firings.map((f) => [f.entry.kind, f.localDate, f.at.toISOString(), f.skipped])).toEqual([
      ['start', '2026-03-07', '2026-03-07T07:30:00.000Z', false],
      ['stop', '2026-03-07', '2026-03-07T14:00:00.000Z', false],
      ['start', '2026-03-08', '2026-03-08T07:30:00.000Z', true],
      ['stop', '2026-03-08', '2026-03-08T13:00:00.000Z', false],
    ]);
  });
});

describe('springForwardSkips only for what the tick performs', () => {
  it('gives no skip for a shift the spring-forward gap drops (its end is not after its start)', () => {
    // Prepare: 02:30 becomes 03:30 on 2027-03-28 in Berlin, after the 03:00 end.
    const config = scenario({
      timezone: 'Europe/Berlin',
      shifts: [{ name: 'gap', days: 'sun', start: '02:30', end: '03:00', minInferenceUnits: 1 }],
    });

    // Act
    const skips = springForwardSkips(config, at('2027-03-27T00:00:00Z'), at('2027-03-29T00:00:00Z'));
    const plan = planBetween(config, at('2027-03-27T00:00:00Z'), at('2027-03-29T00:00:00Z'));

    // Assess
    expect(skips).toEqual([]);
    expect(plan.windows).toEqual([]);
    expect(plan.notes.filter((note) => note.includes('spring forward'))).toEqual([]);
  });

  it('gives no skip on a closed day, and keeps the skip of a shift the gap only moves', () => {
    // Prepare
    const shifts = [{ name: 'early', days: 'sun', start: '02:30', end: '06:00', minInferenceUnits: 1 }];
    const closed = scenario({ timezone: 'Europe/Berlin', shifts, closed: ['2027-03-28'] });
    const open = scenario({ timezone: 'Europe/Berlin', shifts });
    const from = at('2027-03-27T00:00:00Z');
    const to = at('2027-03-29T00:00:00Z');

    // Act
    const whenClosed = springForwardSkips(closed, from, to);
    const whenOpen = springForwardSkips(open, from, to);

    // Assess
    expect(whenClosed).toEqual([]);
    expect(whenOpen.map((skip) => [skip.entry.kind, skip.localDate, skip.at.toISOString()])).toEqual([
      ['start', '2027-03-28', '2027-03-28T01:30:00.000Z'],
    ]);
  });

  it('keeps the skip of a lead that reaches into the gap from a shift after it', () => {
    // Prepare: 03:10 minus a 40-minute lead is 02:30, which does not exist that Sunday.
    const config = scenario({
      timezone: 'Europe/Berlin',
      leadMinutes: 40,
      shifts: [{ name: 'early', days: 'sun', start: '03:10', end: '06:00', minInferenceUnits: 1 }],
    });

    // Act
    const skips = springForwardSkips(config, at('2027-03-27T00:00:00Z'), at('2027-03-29T00:00:00Z'));

    // Assess
    expect(skips.map((skip) => [skip.entry.kind, skip.localDate])).toEqual([['start', '2027-03-28']]);
  });
});

describe('entry names', () => {
  it('replaces the characters EventBridge Scheduler refuses by the rule the schema checks collisions with', () => {
    // Prepare
    const config = scenario({
      timezone: 'Europe/Berlin',
      shifts: [{ name: 'early', days: 'mon', start: '06:00', end: '14:00', minInferenceUnits: 1 }],
    });
    const plant = config.schedules.plant;
    if (!plant) throw new Error('scenario without its schedule');
    const renamed = {
      ...config,
      schedules: { 'hall 1/ä': plant },
      models: config.models.map((m) => ({ ...m, schedule: 'hall 1/ä' })),
    };

    // Act
    const names = schedulerEntries(renamed).map((entry) => entry.name);

    // Assess
    expect(names).toEqual([
      `${schedulerNameText('hall 1/ä')}-start-0600-MON`,
      `${schedulerNameText('hall 1/ä')}-stop-1400-MON`,
    ]);
    for (const name of names) expect(name).toMatch(/^[0-9a-zA-Z\-_.]{1,64}$/);
  });
});

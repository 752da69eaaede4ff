import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/schedule/config.ts';
import { firingsBetween, schedulerEntries, springForwardSkips } from '../../../src/schedule/eventbridge.ts';
import { at, scenario } from './builders.ts';

const pick = (entries: ReturnType<typeof schedulerEntries>) =>
  entries.map((e) => [e.kind, e.expression, e.timezone, e.shifts, e.leadMinutes]);

describe('schedulerEntries', () => {
  it('gives the INTERFACE.md example a start before each run and a stop at each run end only', () => {
    // Prepare
    const config = parseConfigText(
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

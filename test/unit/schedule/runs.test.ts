import { describe, expect, it } from 'vitest';
import { actionsBetween, runsBetween } from '../../../src/schedule/runs.ts';
import { at, scenario } from './builders.ts';

const twoShifts = (unitChange: 'keep-highest' | 'restart') =>
  scenario({
    timezone: 'Europe/Berlin',
    leadMinutes: 20,
    unitChange,
    shifts: [
      {
        name: 'early',
        days: 'mon-fri',
        start: '06:00',
        end: '14:00',
        minInferenceUnits: 2,
        maxInferenceUnits: 4,
      },
      { name: 'late', days: 'mon-fri', start: '14:00', end: '22:00', minInferenceUnits: 1 },
    ],
  });

const day = { from: at('2026-06-01T00:00:00Z'), to: at('2026-06-02T00:00:00Z') }; // Monday, CEST

describe('back-to-back shifts', () => {
  it('keep-highest: one run across the boundary, started with the highest min and max, never stopped in between', () => {
    // Act
    const runs = runsBetween(twoShifts('keep-highest'), day.from, day.to);
    const actions = actionsBetween(twoShifts('keep-highest'), day.from, day.to);

    // Assess
    expect(
      runs.map((r) => [
        r.runId,
        r.startAt.toISOString(),
        r.end.toISOString(),
        r.minInferenceUnits,
        r.maxInferenceUnits,
      ]),
    ).toEqual([
      ['line-1@2026-06-01T04:00:00.000Z', '2026-06-01T03:40:00.000Z', '2026-06-01T20:00:00.000Z', 2, 4],
    ]);
    expect(actions).toEqual([
      {
        model: 'line-1',
        action: 'start',
        at: at('2026-06-01T03:40:00Z'),
        runId: 'line-1@2026-06-01T04:00:00.000Z',
        minInferenceUnits: 2,
        maxInferenceUnits: 4,
        shift: 'early',
        lead: { minutes: 20, source: 'fixed', samples: 0 },
      },
      {
        model: 'line-1',
        action: 'stop',
        at: at('2026-06-01T20:00:00Z'),
        runId: 'line-1@2026-06-01T04:00:00.000Z',
        shift: 'late',
      },
    ]);
  });

  it('restart: stops at the boundary and starts the next run there, without lead, with its own units', () => {
    // Act
    const actions = actionsBetween(twoShifts('restart'), day.from, day.to);

    // Assess
    expect(
      actions.map((a) => [a.at.toISOString(), a.action, a.minInferenceUnits, a.maxInferenceUnits, a.runId]),
    ).toEqual([
      ['2026-06-01T03:40:00.000Z', 'start', 2, 4, 'line-1@2026-06-01T04:00:00.000Z'],
      ['2026-06-01T12:00:00.000Z', 'stop', undefined, undefined, 'line-1@2026-06-01T04:00:00.000Z'],
      ['2026-06-01T12:00:00.000Z', 'start', 1, undefined, 'line-1@2026-06-01T12:00:00.000Z'],
      ['2026-06-01T20:00:00.000Z', 'stop', undefined, undefined, 'line-1@2026-06-01T12:00:00.000Z'],
    ]);
  });

  it('restart with equal units still runs on across the boundary', () => {
    // Prepare
    const config = scenario({
      timezone: 'UTC',
      unitChange: 'restart',
      shifts: [
        { name: 'a', days: 'mon', start: '06:00', end: '14:00', minInferenceUnits: 1 },
        { name: 'b', days: 'mon', start: '14:00', end: '22:00', minInferenceUnits: 1 },
      ],
    });

    // Act
    const actions = actionsBetween(config, day.from, day.to);

    // Assess
    expect(actions.map((a) => `${a.action}@${a.at.toISOString()}`)).toEqual([
      'start@2026-06-01T06:00:00.000Z',
      'stop@2026-06-01T22:00:00.000Z',
    ]);
  });

  it('a night shift followed by an early shift on the next day is one run across midnight', () => {
    // Prepare
    const config = scenario({
      timezone: 'America/New_York',
      leadMinutes: 15,
      shifts: [
        { name: 'night', days: 'sun', start: '22:00', end: '06:00', minInferenceUnits: 1 },
        { name: 'early', days: 'mon', start: '06:00', end: '14:00', minInferenceUnits: 1 },
      ],
    });

    // Act
    const runs = runsBetween(config, at('2026-06-07T00:00:00Z'), at('2026-06-09T00:00:00Z'));

    // Assess: Sunday 22:00 EDT = 02:00Z Monday; Monday 14:00 EDT = 18:00Z.
    expect(
      runs.map((r) => [r.startAt.toISOString(), r.end.toISOString(), r.windows.map((w) => w.shift)]),
    ).toEqual([['2026-06-08T01:45:00.000Z', '2026-06-08T18:00:00.000Z', ['night', 'early']]]);
  });

  it('bridges a gap shorter than the lead instead of stopping and starting again', () => {
    // Prepare
    const config = scenario({
      timezone: 'UTC',
      leadMinutes: 30,
      shifts: [
        { name: 'a', days: 'mon', start: '06:00', end: '10:00', minInferenceUnits: 1 },
        { name: 'b', days: 'mon', start: '10:20', end: '12:00', minInferenceUnits: 1 },
        { name: 'c', days: 'mon', start: '13:00', end: '14:00', minInferenceUnits: 1 },
      ],
    });

    // Act
    const runs = runsBetween(config, day.from, day.to);

    // Assess: a–b bridged (20 min gap < 30 min lead); c starts fresh after a one-hour gap.
    expect(runs.map((r) => [r.startAt.toISOString(), r.end.toISOString()])).toEqual([
      ['2026-06-01T05:30:00.000Z', '2026-06-01T12:00:00.000Z'],
      ['2026-06-01T12:30:00.000Z', '2026-06-01T14:00:00.000Z'],
    ]);
  });
});

describe('run ids', () => {
  it('are the same for a run whatever range it is queried with', () => {
    // Prepare: a 7-day chain of back-to-back nights and days, Monday to Sunday.
    const config = scenario({
      timezone: 'Europe/Berlin',
      shifts: [
        { name: 'day', days: 'mon-sun', start: '06:00', end: '18:00', minInferenceUnits: 1 },
        { name: 'night', days: 'mon-sat', start: '18:00', end: '06:00', minInferenceUnits: 1 },
      ],
    });

    // Act
    const early = runsBetween(config, at('2026-06-01T10:00:00Z'), at('2026-06-01T11:00:00Z'));
    const late = runsBetween(config, at('2026-06-07T10:00:00Z'), at('2026-06-07T11:00:00Z'));

    // Assess
    expect(early.map((r) => r.runId)).toEqual(['line-1@2026-06-01T04:00:00.000Z']);
    expect(late.map((r) => r.runId)).toEqual(['line-1@2026-06-01T04:00:00.000Z']);
    expect(late[0]?.end.toISOString()).toBe('2026-06-07T16:00:00.000Z');
  });

  it('include a run whose lead starts inside the range though its first window starts after it', () => {
    // Prepare
    const config = twoShifts('keep-highest');

    // Act
    const runs = runsBetween(config, at('2026-06-01T03:30:00Z'), at('2026-06-01T03:45:00Z'));

    // Assess
    expect(runs.map((r) => r.runId)).toEqual(['line-1@2026-06-01T04:00:00.000Z']);
  });
});

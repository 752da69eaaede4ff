import { describe, expect, it } from 'vitest';
import type { Override } from '../../../src/schedule/desired.ts';
import { modelRunsBetween, overrideInForce, wantedAt } from '../../../src/schedule/lifecycle.ts';
import { at, scenario } from './builders.ts';

// 06:00–14:00 at 2–4 units and 18:00–20:00 at 1 unit, every day, in UTC, 20 minutes of lead.
const config = scenario({
  timezone: 'UTC',
  leadMinutes: 20,
  shifts: [
    {
      name: 'day',
      days: 'mon-sun',
      start: '06:00',
      end: '14:00',
      minInferenceUnits: 2,
      maxInferenceUnits: 4,
    },
    { name: 'evening', days: 'mon-sun', start: '18:00', end: '20:00', minInferenceUnits: 1 },
  ],
});

const brief = (run: { runId: string; origin: string; startAt: Date; end: Date; minInferenceUnits: number }) =>
  `${run.runId} ${run.origin} ${run.startAt.toISOString().slice(11, 16)}–${run.end.toISOString().slice(11, 16)} ${run.minInferenceUnits}`;

const day = (from: string, to: string, override?: Override) =>
  modelRunsBetween(config, 'line-1', at(`2027-03-26T${from}:00Z`), at(`2027-03-26T${to}:00Z`), override);

describe('modelRunsBetween', () => {
  it('lists the scheduled runs when there is no override', () => {
    // Act
    const { runs, notes } = day('00:00', '23:59');

    // Assess
    expect(runs.map(brief)).toEqual([
      'line-1@2027-03-26T06:00:00.000Z schedule 05:40–14:00 2',
      'line-1@2027-03-26T18:00:00.000Z schedule 17:40–20:00 1',
    ]);
    expect(notes).toEqual([]);
  });

  it('fills an override on between the scheduled runs, each stretch a run of its own', () => {
    // Prepare: on from 03:00 until 22:00
    const override: Override = {
      model: 'line-1',
      state: 'on',
      setAt: at('2027-03-26T03:00:00Z'),
      until: at('2027-03-26T22:00:00Z'),
      reason: 'audit',
    };

    // Act
    const { runs, notes } = day('00:00', '23:59', override);

    // Assess: before the day run the lowest minimum; after each run, that run's units
    expect(runs.map(brief)).toEqual([
      'line-1@2027-03-26T03:00:00.000Z~override override 03:00–05:40 1',
      'line-1@2027-03-26T06:00:00.000Z schedule 05:40–14:00 2',
      'line-1@2027-03-26T14:00:00.000Z~override override 14:00–17:40 2',
      'line-1@2027-03-26T18:00:00.000Z schedule 17:40–20:00 1',
      'line-1@2027-03-26T20:00:00.000Z~override override 20:00–22:00 1',
    ]);
    expect(runs[2]?.maxInferenceUnits).toBe(4);
    expect(notes[1]).toBe(
      'line-1: override on until 2027-03-26T22:00:00.000Z: audit; run line-1@2027-03-26T14:00:00.000Z~override hosted with 2–4 unit(s), following on from line-1@2027-03-26T06:00:00.000Z',
    );
  });

  it('stops a run an override off was set during, and resumes what is left of it as `~2`', () => {
    // Prepare: off from 08:00 until 10:00
    const override: Override = {
      model: 'line-1',
      state: 'off',
      setAt: at('2027-03-26T08:00:00Z'),
      until: at('2027-03-26T10:00:00Z'),
    };

    // Act
    const { runs } = day('00:00', '23:59', override);

    // Assess
    expect(runs.map(brief)).toEqual([
      'line-1@2027-03-26T06:00:00.000Z schedule 05:40–08:00 2',
      'line-1@2027-03-26T06:00:00.000Z~2 schedule 10:00–14:00 2',
      'line-1@2027-03-26T18:00:00.000Z schedule 17:40–20:00 1',
    ]);
  });

  it('names the same runs whatever range it is asked about', () => {
    // Prepare
    const override: Override = {
      model: 'line-1',
      state: 'on',
      setAt: at('2027-03-26T09:00:00Z'),
      until: at('2027-03-26T16:00:00Z'),
    };

    // Act
    const whole = day('00:00', '23:59', override).runs.map(brief);
    const afternoon = day('15:00', '15:01', override).runs.map(brief);

    // Assess
    expect(afternoon).toEqual(['line-1@2027-03-26T14:00:00.000Z~override override 14:00–16:00 2']);
    expect(whole).toContain(afternoon[0]);
  });
});

describe('wantedAt', () => {
  const override: Override = {
    model: 'line-1',
    state: 'on',
    setAt: at('2027-03-26T03:00:00Z'),
    until: at('2027-03-26T05:00:00Z'),
  };

  it('wants the override run while the override holds, and nothing before it was set', () => {
    // Act
    const before = wantedAt(config, 'line-1', at('2027-03-26T02:00:00Z'), override);
    const during = wantedAt(config, 'line-1', at('2027-03-26T04:00:00Z'), override);

    // Assess
    expect(before).toMatchObject({ desired: { state: 'off' }, overrideOn: false });
    expect(before.run).toBeUndefined();
    expect(during).toMatchObject({
      desired: { state: 'on', reason: 'override on until 2027-03-26T05:00:00.000Z' },
      run: { runId: 'line-1@2027-03-26T03:00:00.000Z~override', origin: 'override', minInferenceUnits: 1 },
      overrideOn: true,
    });
  });

  it('holds an override from when it was set until it expires', () => {
    expect(overrideInForce(override, at('2027-03-26T02:59:00Z'))).toBe(false);
    expect(overrideInForce(override, at('2027-03-26T03:00:00Z'))).toBe(true);
    expect(overrideInForce(override, at('2027-03-26T05:00:00Z'))).toBe(false);
  });
});

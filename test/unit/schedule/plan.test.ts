import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseShiftsText } from '../../../src/providers/config.ts';
import { planBetween } from '../../../src/schedule/plan.ts';
import { at, scenario } from './builders.ts';

const config = parseShiftsText(
  readFileSync(new URL('../../support/fixtures/interface-example.yml', import.meta.url), 'utf8'),
  'shifts.yml',
);

describe('planBetween', () => {
  it('counts min units from the start action (lead included) to the stop, at the model price', () => {
    // Act: Friday 2027-03-26, whole UTC day.
    const plan = planBetween(config, at('2027-03-26T00:00:00Z'), at('2027-03-27T00:00:00Z'), {
      model: 'pcb-line-1',
    });

    // Assess: 04:40–21:00 = 16 h 20 min at min 2 (keep-highest over early 2–4 and late 1).
    expect(plan.models).toEqual([
      {
        model: 'pcb-line-1',
        hostedHours: 16 + 1 / 3,
        inferenceUnitHours: 32 + 2 / 3,
        cost: (32 + 2 / 3) * 4,
      },
    ]);
    expect(plan.totals.cost).toBeCloseTo(130.67, 2);
    expect(plan.notes).toEqual([
      'pcb-line-1: run pcb-line-1@2027-03-26T05:00:00.000Z covers early (2–4), late (1); unitChange keep-highest: hosted with 2–4 unit(s) throughout, never stopped at a boundary',
    ]);
  });

  it('clips unit-hours to the range', () => {
    // Act: 12:00–13:00 UTC is inside the run.
    const plan = planBetween(config, at('2027-03-26T12:00:00Z'), at('2027-03-26T13:00:00Z'), {
      model: 'pcb-line-1',
    });

    // Assess
    expect(plan.totals).toEqual({ inferenceUnitHours: 2, cost: 8 });
    expect(plan.actions).toEqual([]);
    expect(plan.windows.map((w) => w.shift)).toEqual(['early']);
  });

  it('notes a start that EventBridge Scheduler skips on the spring-forward day', () => {
    // Prepare
    const dst = scenario({
      timezone: 'Europe/Berlin',
      shifts: [{ name: 'early', days: 'sun', start: '02:30', end: '10:00', minInferenceUnits: 1 }],
    });

    // Act
    const plan = planBetween(dst, at('2026-03-28T00:00:00Z'), at('2026-03-30T00:00:00Z'));

    // Assess
    expect(plan.actions.map((a) => `${a.action}@${a.at.toISOString()}`)).toEqual([
      'start@2026-03-29T01:30:00.000Z',
      'stop@2026-03-29T08:00:00.000Z',
    ]);
    expect(plan.notes).toEqual([
      'plant: start at 02:30 on 2026-03-29 does not exist in Europe/Berlin (clocks spring forward); EventBridge Scheduler skips it, the reconcile tick starts line-1 at 2026-03-29T01:30:00.000Z',
    ]);
  });

  it('notes closed days and the shifts they remove', () => {
    // Act
    const plan = planBetween(config, at('2026-12-23T00:00:00Z'), at('2026-12-28T00:00:00Z'), {
      model: 'pcb-line-1',
    });

    // Assess
    expect(plan.windows.map((w) => w.localDate)).toEqual(['2026-12-23', '2026-12-23']);
    expect(plan.notes).toEqual([
      'pcb-line-1: run pcb-line-1@2026-12-23T05:00:00.000Z covers early (2–4), late (1); unitChange keep-highest: hosted with 2–4 unit(s) throughout, never stopped at a boundary',
      'pcb-line-1: 2026-12-24 is closed (calendar berlin-plant): early, late not hosted',
      'pcb-line-1: 2026-12-25 is closed (calendar berlin-plant): early, late not hosted',
    ]);
  });

  it('applies an off override: the run starts when the override ends, and costs less', () => {
    // Act
    const plan = planBetween(config, at('2027-03-26T00:00:00Z'), at('2027-03-27T00:00:00Z'), {
      model: 'pcb-line-1',
      overrides: [{ model: 'pcb-line-1', state: 'off', until: at('2027-03-26T12:00:00Z') }],
    });

    // Assess
    expect(plan.actions.map((a) => `${a.action}@${a.at.toISOString()}`)).toEqual([
      'start@2027-03-26T12:00:00.000Z',
      'stop@2027-03-26T21:00:00.000Z',
    ]);
    expect(plan.totals.inferenceUnitHours).toBe(18);
  });

  it('lists an override on outside the scheduled runs as the run the tick records: its id from when it begins, its units from the run it follows', () => {
    // Act: on from 19:00 (during the late shift, which ends 21:00 UTC) until 23:00
    const plan = planBetween(config, at('2027-03-26T00:00:00Z'), at('2027-03-27T00:00:00Z'), {
      model: 'pcb-line-1',
      overrides: [
        {
          model: 'pcb-line-1',
          state: 'on',
          setAt: at('2027-03-26T19:00:00Z'),
          until: at('2027-03-26T23:00:00Z'),
        },
      ],
    });

    // Assess
    expect(
      plan.runs.map((run) => [
        run.runId,
        run.startAt.toISOString(),
        run.end.toISOString(),
        run.minInferenceUnits,
        run.maxInferenceUnits,
      ]),
    ).toEqual([
      ['pcb-line-1@2027-03-26T05:00:00.000Z', '2027-03-26T04:40:00.000Z', '2027-03-26T21:00:00.000Z', 2, 4],
      [
        'pcb-line-1@2027-03-26T21:00:00.000Z~override',
        '2027-03-26T21:00:00.000Z',
        '2027-03-26T23:00:00.000Z',
        2,
        4,
      ],
    ]);
  });
});

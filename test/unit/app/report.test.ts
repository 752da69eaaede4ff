import { describe, expect, it } from 'vitest';
import { buildReport, monthRange } from '../../../src/app/report.ts';
import type { RunRecord } from '../../../src/store/run-record.ts';
import { aRun, interfaceExample } from '../../support/builders.ts';

const HOUR = 3_600_000;

const isNight = (model: string): boolean => model.startsWith('night-inspection');

/** A run that was started, hosted and stopped; the billed span is start request → observed stopped. */
const aCompletedRun = (
  model: string,
  spans: { billedFrom: string; hostedAt: string; stoppedAt: string; windowStart: string; windowEnd: string },
  overrides: Partial<RunRecord> = {},
): RunRecord =>
  aRun({
    model,
    runId: `${model}@${spans.windowStart}`,
    schedule: isNight(model) ? 'weekend-night' : 'weekday-two-shift',
    shifts: [isNight(model) ? 'night' : 'early'],
    windows: [
      {
        shift: isNight(model) ? 'night' : 'early',
        start: spans.windowStart,
        end: spans.windowEnd,
      },
    ],
    plannedStartAt: spans.billedFrom,
    plannedEndAt: spans.windowEnd,
    minInferenceUnits: isNight(model) ? 1 : 2,
    ...(isNight(model) ? { maxInferenceUnits: undefined } : {}),
    outcome: 'completed',
    starts: [
      { attempt: 1, clientToken: `${model}-s1`, intendedAt: spans.billedFrom, acceptedAt: spans.billedFrom },
    ],
    stops: [
      { attempt: 1, clientToken: `${model}-p1`, intendedAt: spans.windowEnd, acceptedAt: spans.windowEnd },
    ],
    hostedAt: spans.hostedAt,
    stoppedAt: spans.stoppedAt,
    billedFrom: spans.billedFrom,
    billedUntil: spans.stoppedAt,
    ...overrides,
  });

const at = new Date('2027-05-01T00:00:00Z');

describe('buildReport', () => {
  it('clips runs crossing the edges of a DST month in the schedule time zone and counts a run where it was planned to start', () => {
    // Prepare: March 2027 in Berlin starts 2027-02-28T23:00Z, ends 2027-03-31T22:00Z (clocks spring forward on the 28th).
    const config = interfaceExample();
    const nightAcrossStart = aCompletedRun('night-inspection', {
      billedFrom: '2027-02-28T20:30:00.000Z',
      hostedAt: '2027-02-28T20:42:00.000Z',
      stoppedAt: '2027-03-01T05:06:00.000Z',
      windowStart: '2027-02-28T21:00:00.000Z',
      windowEnd: '2027-03-01T05:00:00.000Z',
    });
    const overrideAcrossEnd = aRun({
      model: 'pcb-line-1',
      runId: 'pcb-line-1@override-2027-03-31T20:00:00.000Z',
      origin: 'override',
      shifts: [],
      windows: [],
      plannedStartAt: '2027-03-31T20:00:00.000Z',
      plannedEndAt: '2027-04-01T02:00:00.000Z',
      minInferenceUnits: 1,
      outcome: 'completed',
      hostedAt: '2027-03-31T20:12:00.000Z',
      stoppedAt: '2027-04-01T02:03:00.000Z',
      billedFrom: '2027-03-31T20:00:00.000Z',
      billedUntil: '2027-04-01T02:03:00.000Z',
    });

    // Act
    const report = buildReport(config, [nightAcrossStart, overrideAcrossEnd], '2027-03', at);

    // Assess
    const night = report.models.find((m) => m.model === 'night-inspection');
    const pcb = report.models.find((m) => m.model === 'pcb-line-1');
    expect(night?.from.toISOString()).toBe('2027-02-28T23:00:00.000Z');
    expect(night?.to.toISOString()).toBe('2027-03-31T22:00:00.000Z');
    expect(night?.hostedHours).toBeCloseTo(6 + 6 / 60, 10); // 23:00Z → 05:06Z
    expect(night?.inferenceUnitHours).toBeCloseTo(6.1, 10);
    expect(night?.cost).toBeCloseTo(6.1 * 4, 10);
    expect(night?.runs).toBe(0); // planned to start in February: counted there
    expect(pcb?.hostedHours).toBeCloseTo(2, 10); // 20:00Z → 22:00Z, Berlin's midnight
    expect(pcb?.cost).toBeCloseTo(2 * 1 * 4, 10);
    expect(pcb?.runs).toBe(1);
    expect(report.totals.cost).toBeCloseTo(6.1 * 4 + 8, 10);
  });

  it('compares the cost with the whole month hosted at the highest minimum units of the shifts', () => {
    // Prepare: one early shift of pcb-line-1, billed 04:40Z → 13:04Z at 2 units.
    const config = interfaceExample();
    const run = aCompletedRun('pcb-line-1', {
      billedFrom: '2027-03-26T04:40:00.000Z',
      hostedAt: '2027-03-26T04:55:00.000Z',
      stoppedAt: '2027-03-26T13:04:00.000Z',
      windowStart: '2027-03-26T05:00:00.000Z',
      windowEnd: '2027-03-26T13:00:00.000Z',
    });

    // Act
    const report = buildReport(config, [run], '2027-03', at);

    // Assess: March in Berlin has 743 hours; early runs 2 units, late 1 → the baseline takes 2.
    const pcb = report.models.find((m) => m.model === 'pcb-line-1');
    const cost = 8.4 * 2 * 4;
    expect(pcb?.hoursInMonth).toBe(743);
    expect(pcb?.aroundTheClockUnits).toBe(2);
    expect(pcb?.aroundTheClockCost).toBe(743 * 2 * 4);
    expect(pcb?.cost).toBeCloseTo(cost, 10);
    expect(pcb?.saving).toBeCloseTo(743 * 8 - cost, 10);
    expect(pcb?.savingPercent).toBeCloseTo(((743 * 8 - cost) / (743 * 8)) * 100, 10);
    expect(report.totals.aroundTheClockCost).toBe(743 * 8 + 743 * 4);
    expect(report.totals.savingPercent).toBeCloseTo(((743 * 12 - cost) / (743 * 12)) * 100, 10);
  });

  it('uses the 745-hour month when the clocks fall back', () => {
    // Prepare / Act
    const range = monthRange('2027-10', 'Europe/Berlin');
    const report = buildReport(interfaceExample(), [], '2027-10', at);

    // Assess
    expect((range.to.getTime() - range.from.getTime()) / HOUR).toBe(745);
    expect(report.models[0]?.aroundTheClockCost).toBe(745 * 2 * 4);
    expect(report.totals.cost).toBe(0);
    expect(report.totals.savingPercent).toBe(100);
  });

  it('counts late, failed and budget-blocked runs planned to start in the month', () => {
    // Prepare
    const config = interfaceExample();
    const onTime = aCompletedRun('pcb-line-1', {
      billedFrom: '2027-03-22T04:40:00.000Z',
      hostedAt: '2027-03-22T04:58:00.000Z',
      stoppedAt: '2027-03-22T21:03:00.000Z',
      windowStart: '2027-03-22T05:00:00.000Z',
      windowEnd: '2027-03-22T21:00:00.000Z',
    });
    const late = aCompletedRun('pcb-line-1', {
      billedFrom: '2027-03-23T04:40:00.000Z',
      hostedAt: '2027-03-23T05:12:00.000Z',
      stoppedAt: '2027-03-23T21:03:00.000Z',
      windowStart: '2027-03-23T05:00:00.000Z',
      windowEnd: '2027-03-23T21:00:00.000Z',
    });
    const failed = aCompletedRun(
      'pcb-line-1',
      {
        billedFrom: '2027-03-24T04:40:00.000Z',
        hostedAt: '2027-03-24T04:59:00.000Z',
        stoppedAt: '2027-03-24T09:30:00.000Z',
        windowStart: '2027-03-24T05:00:00.000Z',
        windowEnd: '2027-03-24T21:00:00.000Z',
      },
      {
        outcome: 'failed',
        note: 'model FAILED twice',
        errors: [
          { at: '2027-03-24T09:30:00.000Z', action: 'observe', code: 'ModelFailed', message: 'FAILED' },
        ],
      },
    );
    const blocked = aRun({
      runId: 'pcb-line-1@2027-03-25T05:00:00.000Z',
      plannedStartAt: '2027-03-25T04:40:00.000Z',
      windows: [{ shift: 'early', start: '2027-03-25T05:00:00.000Z', end: '2027-03-25T21:00:00.000Z' }],
      outcome: 'budget-blocked',
      note: 'model budget for 2027-03 exceeded',
    });

    // Act
    const report = buildReport(config, [onTime, late, failed, blocked], '2027-03', at);

    // Assess
    const pcb = report.models.find((m) => m.model === 'pcb-line-1');
    expect(pcb).toMatchObject({ runs: 4, late: 1, failed: 1, budgetBlocked: 1 });
    expect(pcb?.runDetails.find((r) => r.late)?.lateMinutes).toBe(12);
    expect(pcb?.marks.map((m) => `${m.kind}@${m.at.toISOString()}`)).toEqual([
      'late@2027-03-23T05:12:00.000Z',
      'failed@2027-03-24T09:30:00.000Z',
      'budget-blocked@2027-03-25T05:00:00.000Z',
    ]);
    expect(report.totals).toMatchObject({ runs: 4, late: 1, failed: 1, budgetBlocked: 1 });
  });

  it('counts an open run up to the report instant', () => {
    // Prepare: hosted since 04:40Z, no stop yet; the report is made at 10:40Z.
    const open = aRun({
      outcome: 'hosted',
      hostedAt: '2027-03-26T04:55:00.000Z',
      billedFrom: '2027-03-26T04:40:00.000Z',
    });

    // Act
    const report = buildReport(interfaceExample(), [open], '2027-03', new Date('2027-03-26T10:40:00Z'));

    // Assess
    const pcb = report.models.find((m) => m.model === 'pcb-line-1');
    expect(pcb?.inferenceUnitHours).toBeCloseTo(12, 10);
    expect(pcb?.hostedPeriods[0]?.end.toISOString()).toBe('2027-03-26T10:40:00.000Z');
  });

  it('shows spend against a model budget and a schedule budget shared by its models once', () => {
    // Prepare: pcb-line-1 has its own 500 USD; weekend-night (two models) shares 20 unit-hours.
    const config = interfaceExample();
    config.models[0] = { ...config.models[0], monthlyBudget: { usd: 500 } } as (typeof config.models)[0];
    config.schedules['weekend-night'] = {
      ...config.schedules['weekend-night'],
      monthlyBudget: { inferenceUnitHours: 20 },
    } as (typeof config.schedules)[string];
    config.models.push({
      id: 'night-inspection-2',
      provider: 'lookoutvision',
      projectName: 'weld-seams',
      modelVersion: '2',
      schedule: 'weekend-night',
    });
    const next = (day: string) => String(Number(day) + 1).padStart(2, '0');
    const night = (model: string, day: string) =>
      aCompletedRun(model, {
        billedFrom: `2027-03-${day}T20:30:00.000Z`,
        hostedAt: `2027-03-${day}T20:45:00.000Z`,
        stoppedAt: `2027-03-${next(day)}T05:00:00.000Z`,
        windowStart: `2027-03-${day}T21:00:00.000Z`,
        windowEnd: `2027-03-${next(day)}T05:00:00.000Z`,
      });
    const runs = [
      night('night-inspection', '05'),
      night('night-inspection-2', '06'),
      night('night-inspection-2', '12'),
    ];

    // Act
    const report = buildReport(config, runs, '2027-03', at);

    // Assess: 3 nights × 8.5 h × 1 unit = 25.5 unit-hours against 20.
    expect(report.budgets).toEqual([
      expect.objectContaining({
        scope: 'model',
        name: 'pcb-line-1',
        models: ['pcb-line-1'],
        unit: 'usd',
        spent: 0,
        limit: 500,
        exceeds: false,
      }),
      expect.objectContaining({
        scope: 'schedule',
        name: 'weekend-night',
        models: ['night-inspection', 'night-inspection-2'],
        month: '2027-03',
        unit: 'inferenceUnitHours',
        limit: 20,
        exceeds: true,
      }),
    ]);
    expect(report.budgets[1]?.spent).toBeCloseTo(25.5, 10);
    expect(report.models.map((m) => m.budget)).toEqual([
      { scope: 'model', name: 'pcb-line-1' },
      { scope: 'schedule', name: 'weekend-night' },
      { scope: 'schedule', name: 'weekend-night' },
    ]);
  });

  it("lists the month's shift windows and the hosted and billed periods for the timeline", () => {
    // Prepare
    const run = aCompletedRun('pcb-line-1', {
      billedFrom: '2027-03-26T04:40:00.000Z',
      hostedAt: '2027-03-26T04:55:00.000Z',
      stoppedAt: '2027-03-26T21:04:00.000Z',
      windowStart: '2027-03-26T05:00:00.000Z',
      windowEnd: '2027-03-26T21:00:00.000Z',
    });

    // Act
    const report = buildReport(interfaceExample(), [run], '2027-03', at);

    // Assess: 23 weekdays × early + late in March 2027.
    const pcb = report.models.find((m) => m.model === 'pcb-line-1');
    expect(pcb?.windows).toHaveLength(46);
    expect(pcb?.hostedPeriods).toEqual([
      { runId: run.runId, start: new Date('2027-03-26T04:55:00Z'), end: new Date('2027-03-26T21:04:00Z') },
    ]);
    expect(pcb?.billedPeriods).toEqual([
      { runId: run.runId, start: new Date('2027-03-26T04:40:00Z'), end: new Date('2027-03-26T21:04:00Z') },
    ]);
  });
});

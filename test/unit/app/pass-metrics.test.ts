import { describe, expect, it } from 'vitest';
import { passMetrics } from '../../../src/app/pass-metrics.ts';
import type { ModelOutcome, PassReport } from '../../../src/app/reconcile.ts';
import type { MetricPoint } from '../../../src/platform/metrics.ts';

const at = new Date('2027-03-26T05:00:00Z');

const outcome = (model: string, fields: Partial<ModelOutcome>): ModelOutcome => ({
  model,
  desired: 'on',
  observed: 'hosted',
  action: 'none',
  result: 'done',
  reason: 'test',
  provider: 'lookoutvision',
  ...fields,
});

const report = (outcomes: ModelOutcome[], trigger = 'tick'): PassReport => ({
  at,
  trigger,
  configVersion: 1,
  outcomes,
});

const value = (points: MetricPoint[], name: string, dimensions?: Record<string, string>) =>
  points.filter(
    (point) =>
      point.name === name && JSON.stringify(point.dimensions ?? {}) === JSON.stringify(dimensions ?? {}),
  );

describe('the metrics of a pass', () => {
  it('counts a sent start and a sent stop for the fleet and for their providers', () => {
    // Prepare
    const pass = report([
      outcome('a', { desired: 'on', observed: 'stopped', action: 'start', result: 'sent' }),
      outcome('b', {
        desired: 'off',
        observed: 'hosted',
        action: 'stop',
        result: 'sent',
        provider: 'rekognition',
      }),
      outcome('c', {
        desired: 'on',
        observed: 'stopped',
        action: 'start',
        result: 'deferred',
        errorCode: 'Throttling',
      }),
    ]);

    // Act
    const points = passMetrics(pass, { durationMs: 1234 });

    // Assess
    expect(value(points, 'Starts')).toEqual([{ name: 'Starts', unit: 'Count', value: 1 }]);
    expect(value(points, 'Stops')[0]?.value).toBe(1);
    expect(value(points, 'Starts', { provider: 'lookoutvision' })[0]?.value).toBe(1);
    expect(value(points, 'Starts', { provider: 'rekognition' })[0]?.value).toBe(0);
    expect(value(points, 'Stops', { provider: 'rekognition' })[0]?.value).toBe(1);
    expect(value(points, 'PassDuration')).toEqual([
      { name: 'PassDuration', unit: 'Milliseconds', value: 1234 },
    ]);
    expect(value(points, 'ModelsReconciled')[0]?.value).toBe(3);
  });

  it('counts failures by provider and error code, a model failing without a code as Unknown', () => {
    const pass = report([
      outcome('a', { action: 'start', result: 'failed', errorCode: 'AccessDenied', alert: true }),
      outcome('b', { action: 'start', result: 'deferred', errorCode: 'Throttling' }),
      outcome('c', { action: 'wait', result: 'failed', alert: true }),
      outcome('d', { action: 'none', result: 'done' }),
    ]);

    const points = passMetrics(pass, { durationMs: 1 });

    expect(value(points, 'Failures')[0]?.value).toBe(3);
    expect(
      value(points, 'Failures', { provider: 'lookoutvision', errorCode: 'AccessDenied' })[0]?.value,
    ).toBe(1);
    expect(value(points, 'Failures', { provider: 'lookoutvision', errorCode: 'Throttling' })[0]?.value).toBe(
      1,
    );
    expect(value(points, 'Failures', { provider: 'lookoutvision', errorCode: 'Unknown' })[0]?.value).toBe(1);
    // A start the service refused for good gives the run up.
    expect(value(points, 'RunsGivenUp')[0]?.value).toBe(1);
  });

  it('counts late starts with the most late model, budget blocks, runs given up and models hosted outside runs', () => {
    const pass = report([
      outcome('late-1', { observed: 'starting', action: 'wait', lateMinutes: 3 }),
      outcome('late-2', { observed: 'stopped', action: 'start', result: 'sent', lateMinutes: 12 }),
      outcome('blocked', { observed: 'stopped', recorded: 'budget-blocked', alert: true }),
      outcome('gave-up', { observed: 'failed', recorded: 'failed', alert: true }),
      outcome('left-on', { desired: 'off', observed: 'hosted', action: 'stop', result: 'deferred' }),
      outcome('going-down', { desired: 'off', observed: 'stopping', action: 'wait' }),
    ]);

    const points = passMetrics(pass, { durationMs: 1 });

    expect(value(points, 'LateStarts')[0]?.value).toBe(2);
    expect(value(points, 'MinutesLate')).toEqual([{ name: 'MinutesLate', unit: 'None', value: 12 }]);
    expect(value(points, 'BudgetBlocks')[0]?.value).toBe(1);
    expect(value(points, 'RunsGivenUp')[0]?.value).toBe(1);
    expect(value(points, 'HostedOutsideRuns')[0]?.value).toBe(1);
    expect(value(points, 'HostedOutsideRuns', { provider: 'lookoutvision' })[0]?.value).toBe(1);
  });

  it('beats the heartbeat on a tick only, not on a shift edge', () => {
    expect(value(passMetrics(report([]), { durationMs: 1 }), 'Heartbeat')).toEqual([
      { name: 'Heartbeat', unit: 'Count', value: 1 },
    ]);
    expect(value(passMetrics(report([], 'shift-edge'), { durationMs: 1 }), 'Heartbeat')).toEqual([]);
  });

  it('publishes calls per API and the month so far when the function measured them', () => {
    const points = passMetrics(report([]), {
      durationMs: 1,
      calls: new Map([
        ['LookoutVision.ListModels', 2],
        ['LookoutVision.StartModel', 1],
      ]),
      monthToDate: { inferenceUnitHours: 160, cost: 640 },
    });

    expect(value(points, 'Calls', { api: 'LookoutVision.ListModels' })[0]?.value).toBe(2);
    expect(value(points, 'Calls', { api: 'LookoutVision.StartModel' })[0]?.value).toBe(1);
    expect(value(points, 'UnitHoursThisMonth')[0]?.value).toBe(160);
    expect(value(points, 'CostThisMonth')[0]?.value).toBe(640);
    expect(value(passMetrics(report([]), { durationMs: 1 }), 'CostThisMonth')).toEqual([]);
  });

  it('never names a model in a dimension', () => {
    const points = passMetrics(
      report([outcome('a', { action: 'start', result: 'failed', errorCode: 'AccessDenied' })]),
      { durationMs: 1 },
    );
    for (const point of points) {
      expect(
        Object.keys(point.dimensions ?? {}).every((key) => ['provider', 'errorCode', 'api'].includes(key)),
      ).toBe(true);
    }
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallCounter, metricsSettingsFromEnv, publishMetrics } from '../../../src/platform/metrics.ts';

/** The EMF lines Powertools writes to standard output while `act` runs. */
const emfLinesOf = (act: () => void): Record<string, unknown>[] => {
  const lines: Record<string, unknown>[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    for (const line of String(chunk).split('\n')) {
      if (line.includes('"_aws"')) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    return true;
  });
  act();
  vi.restoreAllMocks();
  return lines;
};

afterEach(() => {
  vi.restoreAllMocks();
});

const settings = { namespace: 'model-shift-scheduler', serviceName: 'model-shift-scheduler', stage: 'prod' };

describe('publishing metrics as EMF', () => {
  it('writes one line per set of dimensions, each with service and stage', () => {
    // Act
    const lines = emfLinesOf(() =>
      publishMetrics(settings, [
        { name: 'Heartbeat', unit: 'Count', value: 1 },
        { name: 'PassDuration', unit: 'Milliseconds', value: 420 },
        { name: 'Starts', unit: 'Count', value: 2, dimensions: { provider: 'lookoutvision' } },
      ]),
    );

    // Assess
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'model-shift-scheduler',
            Dimensions: [['service', 'stage']],
            Metrics: [
              { Name: 'Heartbeat', Unit: 'Count' },
              { Name: 'PassDuration', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      service: 'model-shift-scheduler',
      stage: 'prod',
      Heartbeat: 1,
      PassDuration: 420,
    });
    expect(lines[1]).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Dimensions: [['service', 'stage', 'provider']] }] },
      provider: 'lookoutvision',
      Starts: 2,
    });
  });

  it('reads namespace, service and stage from the environment, with defaults for a local run', () => {
    expect(
      metricsSettingsFromEnv({
        POWERTOOLS_METRICS_NAMESPACE: 'ns',
        POWERTOOLS_SERVICE_NAME: 'svc',
        STAGE: 'dev',
      }),
    ).toEqual({ namespace: 'ns', serviceName: 'svc', stage: 'dev' });
    expect(metricsSettingsFromEnv({})).toEqual({
      namespace: 'model-shift-scheduler',
      serviceName: 'model-shift-scheduler',
      stage: 'local',
    });
  });
});

describe('counting calls', () => {
  it('counts by API and starts afresh after each take', () => {
    const counter = new CallCounter();
    counter.record('LookoutVision', 'ListModels');
    counter.record('LookoutVision', 'ListModels');
    counter.record('LookoutVision', 'StartModel');

    expect([...counter.take()]).toEqual([
      ['LookoutVision.ListModels', 2],
      ['LookoutVision.StartModel', 1],
    ]);
    expect([...counter.take()]).toEqual([]);
  });
});

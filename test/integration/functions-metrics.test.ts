/**
 * The metrics the Lambda handlers publish: Powertools' EMF lines on standard output, as CloudWatch
 * Logs reads them, for passes run against DynamoDB Local and the Lookout for Vision emulator.
 */
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyConfig } from '../../src/app/apply-config.ts';
import type { ShiftsConfig } from '../../src/providers/config.ts';
import { type LocalScheduler, startLocalScheduler } from '../../src/simulation/local-scheduler.ts';
import { interfaceExample } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/dynamodb.ts';
import { lambdaContext, scheduledEvent } from '../support/lambda.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const minute = 60_000;
/** The example's early shift is due at 05:00Z; its start is sent 20 minutes before. */
const startTime = '2027-03-26T04:40:00Z';

const opened: { local: LocalScheduler; tables: TestTables }[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  for (const { local, tables } of opened.splice(0)) {
    await local.close();
    await tables.drop();
  }
});

/** Tables with `config` applied, the emulator at `start`, and the reconcile handler imported fresh. */
const deployed = async (config: ShiftsConfig, start: Date) => {
  const tables = await createTestTables('functions-metrics');
  const local = await startLocalScheduler({
    config,
    start,
    documents: tables.client,
    tables: tables.names,
    startLatency: 10 * minute,
    stopLatency: 2 * minute,
  });
  opened.push({ local, tables });
  vi.stubEnv('AWS_ENDPOINT_URL_LOOKOUTVISION', local.emulator.url);
  vi.stubEnv('CONFIG_TABLE_NAME', tables.names.configTable);
  vi.stubEnv('RUNS_TABLE_NAME', tables.names.runsTable);
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'model-shift-scheduler');
  vi.stubEnv('STAGE', 'test');
  await applyConfig(local.deps.configs, config, { source: 'shifts.yml', at: start });
  vi.resetModules();
  const { handler } = (await import('../../functions/reconcile.ts')) as { handler: Handler };
  return { local, handler, context: lambdaContext('model-shift-scheduler-test-reconcile') };
};

interface EmfLine {
  readonly _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  readonly [key: string]: unknown;
}

/** The EMF lines written to standard output while the test runs. */
const captureEmf = (): EmfLine[] => {
  const lines: EmfLine[] = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk).split('\n')) {
      if (line.includes('"_aws"')) lines.push(JSON.parse(line) as EmfLine);
    }
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return lines;
};

/** The one line whose dimensions are exactly `dimensions` (beyond service and stage). */
const lineWith = (lines: readonly EmfLine[], dimensions: Record<string, string> = {}): EmfLine => {
  const wanted = ['service', 'stage', ...Object.keys(dimensions)];
  const found = lines.filter(
    (line) =>
      JSON.stringify(line._aws.CloudWatchMetrics[0]?.Dimensions) === JSON.stringify([wanted]) &&
      Object.entries(dimensions).every(([key, value]) => line[key] === value),
  );
  expect(found, JSON.stringify(dimensions)).toHaveLength(1);
  return found[0] as EmfLine;
};

describe('the metrics of the reconcile Lambda', () => {
  it('publishes a heartbeat, the start it sent and the calls it made, by service and stage', async () => {
    // Prepare
    const { handler, context } = await deployed(interfaceExample(), new Date(startTime));
    const lines = captureEmf();

    // Act
    await handler(scheduledEvent(startTime), context);

    // Assess
    const fleet = lineWith(lines);
    expect(fleet._aws.CloudWatchMetrics[0]?.Namespace).toBe('model-shift-scheduler');
    expect(fleet).toMatchObject({
      service: 'model-shift-scheduler',
      stage: 'test',
      Heartbeat: 1,
      Starts: 1,
      Stops: 0,
      Failures: 0,
      BudgetBlocks: 0,
      ModelsReconciled: 2,
    });
    expect(fleet.PassDuration).toEqual(expect.any(Number));
    expect(lineWith(lines, { provider: 'lookoutvision' })).toMatchObject({ Starts: 1 });
    expect(lineWith(lines, { api: 'LookoutVision.StartModel' })).toMatchObject({ Calls: 1 });
    expect(lineWith(lines, { api: 'LookoutVision.ListModels' }).Calls).toBeGreaterThanOrEqual(1);
  });

  it('publishes a start the service refused for good as a failure with its code and a run given up', async () => {
    // Prepare
    const { local, handler, context } = await deployed(interfaceExample(), new Date(startTime));
    local.emulator.injectError({ api: 'StartModel', error: 'AccessDeniedException', times: 10 });
    const lines = captureEmf();

    // Act
    await handler(scheduledEvent(startTime), context);

    // Assess
    expect(lineWith(lines)).toMatchObject({ Heartbeat: 1, Starts: 0, Failures: 1, RunsGivenUp: 1 });
    expect(lineWith(lines, { provider: 'lookoutvision', errorCode: 'AccessDenied' })).toMatchObject({
      Failures: 1,
    });
  });

  it('publishes a budget block', async () => {
    // Prepare: a dollar a month cannot pay for an eight-hour shift on two units
    const example = interfaceExample();
    const config: ShiftsConfig = {
      ...example,
      models: example.models.map((model) =>
        model.id === 'pcb-line-1' ? { ...model, monthlyBudget: { usd: 1 } } : model,
      ),
    };
    const { handler, context } = await deployed(config, new Date(startTime));
    const lines = captureEmf();

    // Act
    await handler(scheduledEvent(startTime), context);

    // Assess
    expect(lineWith(lines)).toMatchObject({ Heartbeat: 1, Starts: 0, BudgetBlocks: 1 });
    expect(lineWith(lines, { provider: 'lookoutvision' })).toMatchObject({ BudgetBlocks: 1 });
  });

  it('publishes a late start and the month so far on the first tick of an hour', async () => {
    // Prepare: the shift began at 05:00Z and nothing started the model
    const time = '2027-03-26T05:00:00Z';
    const { handler, context } = await deployed(interfaceExample(), new Date(time));
    const lines = captureEmf();

    // Act
    await handler(scheduledEvent(time), context);

    // Assess
    expect(lineWith(lines)).toMatchObject({
      Heartbeat: 1,
      LateStarts: 1,
      MinutesLate: 0,
      UnitHoursThisMonth: expect.any(Number),
      CostThisMonth: expect.any(Number),
    });
  });
});

/**
 * The two Lambda handlers as Lambda runs them: middy, Powertools logger, deps built at module scope
 * from CONFIG_TABLE_NAME / RUNS_TABLE_NAME and the SDK's AWS_ENDPOINT_URL_LOOKOUTVISION, against
 * DynamoDB Local and the Lookout for Vision emulator on a virtual clock.
 */
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyConfig } from '../../src/app/apply-config.ts';
import { type LocalScheduler, startLocalScheduler } from '../../src/simulation/local-scheduler.ts';
import { interfaceExample } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/dynamodb.ts';
import { lambdaContext, scheduledEvent, shiftEdgeInput } from '../support/lambda.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const config = interfaceExample();
const pcb = { projectName: 'circuit-boards', modelVersion: '3' };
const weld = { projectName: 'weld-seams', modelVersion: '1' };
const minute = 60_000;

const opened: { local: LocalScheduler; tables: TestTables }[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  for (const { local, tables } of opened.splice(0)) {
    await local.close();
    await tables.drop();
  }
});

/**
 * Tables with the example applied, an emulator at `start`, and the handler module imported fresh,
 * so that its module-scope deps read this test's tables and emulator from the environment.
 */
const deployed = async (module: 'reconcile' | 'shift-edge', start: Date) => {
  const tables = await createTestTables(`functions-${module}`);
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
  await applyConfig(local.deps.configs, config, { source: 'shifts.yml', at: start });
  vi.resetModules();
  const { handler } = (await import(`../../functions/${module}.ts`)) as { handler: Handler };
  return { local, tables, handler, context: lambdaContext(`model-shift-scheduler-dev-${module}`) };
};

/** The Powertools logger's JSON lines written while the test runs. */
const captureLogs = () => {
  const lines: Record<string, unknown>[] = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not one of the logger's lines.
      }
    }
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return lines;
};

const startsOf = (local: LocalScheduler, address: typeof pcb) =>
  local.emulator
    .callLog()
    .filter(
      (call) =>
        call.api === 'StartModel' &&
        call.projectName === address.projectName &&
        call.modelVersion === address.modelVersion,
    );

/** The current minute of the wall clock, less `ms`: the shift-edge handler compares with it. */
const wallMinuteAgo = (ms: number) => {
  const instant = new Date(Date.now() - ms);
  instant.setUTCSeconds(0, 0);
  return instant;
};

describe('the reconcile Lambda', () => {
  it('starts the model whose shift is due at the event time and logs one decision per model', async () => {
    // Prepare
    const time = '2027-03-26T04:40:00Z';
    const { local, handler, context } = await deployed('reconcile', new Date(time));
    const logs = captureLogs();
    // Act
    const result = await handler(scheduledEvent(time), context);
    // Assess
    expect(result).toEqual({ at: '2027-03-26T04:40:00.000Z', models: 2 });
    expect(startsOf(local, pcb)).toEqual([
      expect.objectContaining({ outcome: 'accepted', clientToken: expect.stringMatching(/^mss-start-/) }),
    ]);
    expect(startsOf(local, weld)).toEqual([]);
    const decisions = logs.filter((line) => line.message === 'decision');
    expect(decisions).toHaveLength(2);
    expect(decisions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'INFO',
          service: 'model-shift-scheduler',
          function_name: 'model-shift-scheduler-dev-reconcile',
          function_request_id: 'request-model-shift-scheduler-dev-reconcile',
          model: 'pcb-line-1',
          action: 'start',
          result: 'sent',
          reason: expect.any(String),
          at: '2027-03-26T04:40:00.000Z',
          trigger: 'tick',
        }),
        expect.objectContaining({ model: 'night-inspection', action: 'none', reason: expect.any(String) }),
      ]),
    );
  });

  it('drops a tick delivered later than the tolerance and leaves the instant to the next tick', async () => {
    // Prepare: the model is wanted on at the event's time, but the event arrives ten minutes late
    const time = wallMinuteAgo(10 * minute);
    const { local, handler, context } = await deployed('reconcile', time);
    await local.deps.configs.setOverride({
      model: 'pcb-line-1',
      state: 'on',
      until: new Date(time.getTime() + 60 * minute).toISOString(),
      setAt: time.toISOString(),
    });
    const logs = captureLogs();
    // Act
    const result = await handler(scheduledEvent(time.toISOString()), context);
    // Assess
    expect(result).toEqual({ skipped: true });
    expect(local.emulator.callLog()).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'stale tick skipped; the next tick decides at its own time',
        time: time.toISOString(),
      }),
    );
    expect(logs.filter((line) => line.message === 'decision')).toEqual([]);
  });

  it('still decides for a tick delivered within the tolerance', async () => {
    // Prepare: a model wanted on, the event three minutes late
    const time = wallMinuteAgo(3 * minute);
    const { local, handler, context } = await deployed('reconcile', time);
    await local.deps.configs.setOverride({
      model: 'pcb-line-1',
      state: 'on',
      until: new Date(time.getTime() + 60 * minute).toISOString(),
      setAt: time.toISOString(),
    });
    captureLogs();
    // Act
    const result = await handler(scheduledEvent(time.toISOString()), context);
    // Assess
    expect(result).toEqual({ at: time.toISOString(), models: 2 });
    expect(startsOf(local, pcb)).toEqual([expect.objectContaining({ outcome: 'accepted' })]);
  });

  it('logs every model as deferred and returns before the deadline when the service does not answer', async () => {
    // Prepare: 12 s left in the invocation, and a service that takes 20 s to answer anything
    const time = wallMinuteAgo(0);
    const { local, handler } = await deployed('reconcile', time);
    local.emulator.setResponseDelay(20_000);
    const deadline = Date.now() + 12_000;
    const context = {
      ...lambdaContext('model-shift-scheduler-dev-reconcile'),
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    const logs = captureLogs();
    // Act
    const result = await handler(scheduledEvent(time.toISOString()), context);
    const returnedAt = Date.now();
    // Assess: the pass kept its margin before the deadline, and each model left its line
    expect(result).toEqual({ at: time.toISOString(), models: 2 });
    expect(returnedAt).toBeLessThan(deadline - 5_000);
    const decisions = logs.filter((line) => line.message === 'decision');
    expect(decisions.map((line) => [line.model, line.result])).toEqual(
      expect.arrayContaining([
        ['pcb-line-1', 'deferred'],
        ['night-inspection', 'deferred'],
      ]),
    );
    expect(decisions).toHaveLength(2);
    expect(decisions[0]).toMatchObject({
      reason: expect.stringContaining('share of the pass'),
      at: time.toISOString(),
      trigger: 'tick',
      function_name: 'model-shift-scheduler-dev-reconcile',
    });
  }, 20_000);

  it('rejects an event without a time, so the invocation goes to the failure destination', async () => {
    // Prepare
    const { local, handler, context } = await deployed('reconcile', new Date('2027-03-26T04:40:00Z'));
    captureLogs();
    // Act
    const invocation = handler({ 'detail-type': 'Scheduled Event', time: 'yesterday' }, context);
    // Assess
    await expect(invocation).rejects.toMatchObject({
      name: 'ZodError',
      message: expect.stringContaining('time'),
    });
    expect(local.emulator.callLog()).toEqual([]);
  });
});

describe('the shift-edge Lambda', () => {
  it('acts at the scheduled minute on the models of its schedule only', async () => {
    // Prepare: both models are held on, so only the edge's schedule decides which one is started
    const scheduled = wallMinuteAgo(0);
    const { local, handler, context } = await deployed('shift-edge', scheduled);
    const until = new Date(scheduled.getTime() + 60 * minute).toISOString();
    for (const model of ['pcb-line-1', 'night-inspection']) {
      await local.deps.configs.setOverride({
        model,
        state: 'on',
        until,
        setAt: scheduled.toISOString(),
      });
    }
    const logs = captureLogs();
    // Act
    const result = await handler(shiftEdgeInput('weekday-two-shift', 'start', ['early'], scheduled), context);
    // Assess
    expect(result).toEqual({ at: scheduled.toISOString(), models: 1 });
    expect(startsOf(local, pcb)).toEqual([expect.objectContaining({ outcome: 'accepted' })]);
    expect(startsOf(local, weld)).toEqual([]);
    const decisions = logs.filter((line) => line.message === 'decision');
    expect(decisions).toEqual([
      expect.objectContaining({
        model: 'pcb-line-1',
        action: 'start',
        result: 'sent',
        reason: expect.stringContaining('override on'),
        trigger: 'start weekday-two-shift (early)',
        function_name: 'model-shift-scheduler-dev-shift-edge',
      }),
    ]);
  });

  it('skips an edge delivered too late and leaves it to the reconcile tick', async () => {
    // Prepare: an edge whose model is wanted on, delivered ten minutes after its scheduled minute
    const scheduled = wallMinuteAgo(10 * minute);
    const { local, handler, context } = await deployed('shift-edge', scheduled);
    await local.deps.configs.setOverride({
      model: 'pcb-line-1',
      state: 'on',
      until: new Date(scheduled.getTime() + 60 * minute).toISOString(),
      setAt: scheduled.toISOString(),
    });
    local.clock.set(new Date());
    const logs = captureLogs();
    // Act
    const result = await handler(shiftEdgeInput('weekday-two-shift', 'start', ['early'], scheduled), context);
    // Assess
    expect(result).toEqual({ skipped: true });
    expect(local.emulator.callLog()).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'stale shift edge skipped; the reconcile tick covers it',
        schedule: 'weekday-two-shift',
        scheduledTime: scheduled.toISOString(),
      }),
    );
    expect(logs.filter((line) => line.message === 'decision')).toEqual([]);
  });

  it('rejects an invalid edge event, so the invocation goes to the failure destination', async () => {
    // Prepare
    const { local, handler, context } = await deployed('shift-edge', wallMinuteAgo(0));
    captureLogs();
    // Act
    const invocation = handler(
      { schedule: 'weekday-two-shift', edge: 'middle', scheduledTime: 'now' },
      context,
    );
    // Assess
    await expect(invocation).rejects.toMatchObject({
      name: 'ZodError',
      message: expect.stringMatching(/edge[\s\S]*scheduledTime/),
    });
    expect(local.emulator.callLog()).toEqual([]);
  });
});

/**
 * `shiftctl failures list|replay` over the failure queue (a local queue that speaks SQS's wire
 * protocol to the real SDK client), with DynamoDB Local and the Lookout for Vision emulator: each
 * shape of failed invocation is read, replayed at its own instant or at now, deleted once its pass
 * ran, and a replay never starts a model twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/app/apply-config.ts';
import { type LocalScheduler, startLocalScheduler } from '../../src/simulation/local-scheduler.ts';
import { interfaceExample } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/dynamodb.ts';
import { runShiftctl, shiftctl } from '../support/shiftctl.ts';
import { type SqsQueue, startSqsQueue } from '../support/sqs-queue.ts';

// Friday 2027-03-26: pcb-line-1's run starts 05:40 Berlin (04:40Z), 20 minutes before its early shift.
const pcbStart = '2027-03-26T04:40:00.000Z';

const opened: { tables: TestTables; local: LocalScheduler; queue: SqsQueue }[] = [];

afterEach(async () => {
  for (const { tables, local, queue } of opened.splice(0)) {
    await queue.close();
    await local.close();
    await tables.drop();
  }
});

const setUp = async () => {
  const tables = await createTestTables('failures');
  const local = await startLocalScheduler({
    config: interfaceExample(),
    start: new Date(pcbStart),
    documents: tables.client,
    tables: tables.names,
    startLatency: 10 * 60_000,
    stopLatency: 2 * 60_000,
  });
  await applyConfig(local.deps.configs, interfaceExample(), { source: 'shifts.yml', at: new Date(pcbStart) });
  const queue = await startSqsQueue();
  opened.push({ tables, local, queue });
  const env = {
    ...process.env,
    CONFIG_TABLE_NAME: tables.names.configTable,
    RUNS_TABLE_NAME: tables.names.runsTable,
    FAILED_INVOCATIONS_QUEUE_URL: queue.url,
  };
  const run = (argv: readonly string[]) => shiftctl(argv, env);
  return { local, queue, run };
};

/** What Lambda's on-failure destination writes for an asynchronous invocation that failed for good. */
const lambdaRecord = (functionName: string, requestPayload: unknown) =>
  JSON.stringify({
    version: '1.0',
    timestamp: '2027-03-26T04:41:02.000Z',
    requestContext: {
      requestId: 'c0ffee00-0000-4000-8000-000000000000',
      functionArn: `arn:aws:lambda:eu-central-1:123456789012:function:model-shift-scheduler-test-${functionName}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 1,
    },
    requestPayload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'PassError', errorMessage: 'cannot read the configuration: throttled' },
  });

const tickEvent = (time: string) => ({
  version: '0',
  id: 'e0',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time,
  region: 'eu-central-1',
  resources: [],
  detail: {},
});

const edgeEvent = {
  schedule: 'weekday-two-shift',
  edge: 'start',
  shifts: ['early'],
  scheduledTime: '2027-03-26T05:40:00+01:00',
};

describe('shiftctl failures', () => {
  it('lists each shape of failed invocation with its pass, source, tries and error, and removes none', async () => {
    // Prepare
    const { queue, run } = await setUp();
    queue.put(lambdaRecord('reconcile', tickEvent('2027-03-26T04:40:00Z')));
    queue.put(JSON.stringify(edgeEvent), {
      ERROR_CODE: 'Lambda.TooManyRequestsException',
      ERROR_MESSAGE: 'Rate exceeded',
      RETRY_ATTEMPTS: '5',
      SCHEDULE_ARN: 'arn:aws:scheduler:eu-central-1:123456789012:schedule/model-shift-scheduler-test/x',
    });
    queue.put(
      JSON.stringify({ at: pcbStart, models: [{ model: 'pcb-line-1', startAt: pcbStart }], reason: 'start' }),
    );
    queue.put('not json at all');

    // Act
    const listed = await run(['failures', 'list', '--json']);
    const text = await run(['failures', 'list']);

    // Assess
    expect(listed.status).toBe(0);
    const { failures } = JSON.parse(listed.out) as { failures: Record<string, unknown>[] };
    expect(
      failures.map((failure) => [failure.source, (failure.pass as { kind?: string } | undefined)?.kind]),
    ).toEqual([
      ['lambda', 'tick'],
      ['scheduler', 'shift-edge'],
      ['start-timer', 'start-timer'],
      ['unknown', undefined],
    ]);
    expect(failures[0]).toMatchObject({
      attempts: 1,
      error: 'PassError: cannot read the configuration: throttled',
      pass: { at: pcbStart },
    });
    expect(failures[1]).toMatchObject({
      attempts: 5,
      error: 'Lambda.TooManyRequestsException: Rate exceeded',
      pass: { at: pcbStart, schedule: 'weekday-two-shift' },
    });
    expect(text.out).toContain('reconcile tick at 2027-03-26T04:40:00.000Z');
    expect(queue.ids()).toHaveLength(4);
  });

  it('replays each pass once at its own instant, starts the model once, and deletes what it replayed', async () => {
    // Prepare: the tick, the shift edge and the start timer for one instant all failed.
    const { local, queue, run } = await setUp();
    queue.put(lambdaRecord('reconcile', tickEvent('2027-03-26T04:40:00Z')));
    queue.put(JSON.stringify(edgeEvent), { ERROR_CODE: 'Lambda.ServiceException' });
    queue.put(
      JSON.stringify({ at: pcbStart, models: [{ model: 'pcb-line-1', startAt: pcbStart }], reason: 'start' }),
    );
    const unreadable = queue.put('not json at all');
    local.clock.set('2027-03-26T04:42:00Z');

    // Act
    const replayed = await run(['failures', 'replay', '--at', '2027-03-26T04:42:00Z', '--json']);

    // Assess: the unreadable message stays, and says so with exit status 1.
    expect(replayed.status).toBe(1);
    const { replays } = JSON.parse(replayed.out) as { replays: { result: string; at?: string }[] };
    expect(replays.map((replay) => [replay.result, replay.at])).toEqual([
      ['replayed', pcbStart],
      ['replayed', pcbStart],
      ['replayed', pcbStart],
      ['skipped', undefined],
    ]);
    const starts = local.emulator
      .callLog()
      .filter((call) => call.api === 'StartModel' && call.outcome === 'accepted');
    expect(starts).toHaveLength(1);
    expect(queue.ids()).toEqual([unreadable]);
  });

  it('replays a failed invocation too old to act at its instant at now instead', async () => {
    // Prepare: a tick from two hours before the shift failed; it is replayed during the shift.
    const { local, queue, run } = await setUp();
    queue.put(lambdaRecord('reconcile', tickEvent('2027-03-26T02:40:00Z')));
    local.clock.set('2027-03-26T06:00:00Z');

    // Act
    const replayed = await run(['failures', 'replay', '--at', '2027-03-26T06:00:00Z', '--json']);

    // Assess
    expect(replayed.status).toBe(0);
    const { replays } = JSON.parse(replayed.out) as {
      replays: { result: string; at: string; outcomes: { model: string; action: string }[] }[];
    };
    expect(replays[0]).toMatchObject({ result: 'replayed', at: '2027-03-26T06:00:00.000Z' });
    expect(replays[0]?.outcomes.find((o) => o.model === 'pcb-line-1')?.action).toBe('start');
    expect(queue.ids()).toEqual([]);
  });

  it('refuses to run without a queue, naming the option and the variable', async () => {
    // Act
    const result = await runShiftctl(['failures', 'list'], undefined);

    // Assess
    expect(result.status).toBe(2);
    expect(result.err).toContain('--queue-url: no failure queue given');
    expect(result.err).toContain('FAILED_INVOCATIONS_QUEUE_URL');
  });
});

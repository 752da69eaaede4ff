/**
 * The start-timer Lambda as Lambda runs it: middy, the Powertools logger, deps built at module scope
 * from the environment, an SQS event of start timers, and partial batch failures.
 */
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyConfig } from '../../src/app/apply-config.ts';
import type { StartTimerMessage } from '../../src/app/start-timers.ts';
import { type LocalScheduler, startLocalScheduler } from '../../src/simulation/local-scheduler.ts';
import { interfaceExample } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/dynamodb.ts';
import { lambdaContext } from '../support/lambda.ts';

type Handler = (
  event: SQSEvent,
  context: Context,
) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

const config = interfaceExample();
const opened: { local: LocalScheduler; tables: TestTables }[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  for (const { local, tables } of opened.splice(0)) {
    await local.close();
    await tables.drop();
  }
});

const record = (messageId: string, body: string): SQSRecord => ({
  messageId,
  receiptHandle: `handle-${messageId}`,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1806036000000',
    SenderId: 'AROAEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1806036000000',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:eu-central-1:123456789012:model-shift-scheduler-dev-start-timers',
  awsRegion: 'eu-central-1',
});

describe('the start-timer Lambda', () => {
  it('starts the models of a timer at its instant and reports a malformed message alone as failed', async () => {
    // Prepare
    const at = new Date('2027-03-26T04:39:45Z');
    const tables = await createTestTables('functions-start-at');
    const local = await startLocalScheduler({
      config,
      start: at,
      documents: tables.client,
      tables: tables.names,
    });
    opened.push({ local, tables });
    vi.stubEnv('AWS_ENDPOINT_URL_LOOKOUTVISION', local.emulator.url);
    vi.stubEnv('CONFIG_TABLE_NAME', tables.names.configTable);
    vi.stubEnv('RUNS_TABLE_NAME', tables.names.runsTable);
    vi.stubEnv('START_TIMERS_QUEUE_URL', 'http://127.0.0.1:9/123456789012/start-timers');
    await applyConfig(local.deps.configs, config, { source: 'shifts.yml', at });
    vi.resetModules();
    const { handler } = (await import('../../functions/start-at.ts')) as { handler: Handler };
    const timer: StartTimerMessage = {
      at: at.toISOString(),
      models: [{ model: 'pcb-line-1', startAt: '2027-03-26T04:40:00.000Z' }],
      reason: 'start due at 2027-03-26T04:40:00.000Z',
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);

    // Act
    const result = await handler(
      { Records: [record('good', JSON.stringify(timer)), record('bad', '{"at":"soon"}')] },
      lambdaContext('model-shift-scheduler-dev-startAt'),
    );

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    const starts = local.emulator
      .callLog()
      .filter((call) => call.api === 'StartModel' && call.httpStatus < 300);
    expect(starts.map((call) => [call.projectName, call.modelVersion])).toEqual([['circuit-boards', '3']]);
    const [run] = await local.deps.runs.list('pcb-line-1', {
      since: at,
      until: new Date('2027-03-26T14:00:00Z'),
    });
    // Started ahead of its instant, for that instant's run, and recorded when it was sent: the
    // timer's instant plus the time the pass took to get there.
    expect(run?.runId).toBe('pcb-line-1@2027-03-26T05:00:00.000Z');
    const intendedAt = Date.parse(run?.starts[0]?.intendedAt ?? '');
    expect(intendedAt).toBeGreaterThanOrEqual(at.getTime());
    expect(intendedAt).toBeLessThan(Date.parse('2027-03-26T04:40:00Z'));
  });
});

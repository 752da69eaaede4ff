import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqsStartTimers, StartTimerError } from '../../src/app/sqs-start-timers.ts';
import { startTimerMessageSchema } from '../../src/app/start-timers.ts';

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/**
 * A listener that answers SendMessage as SQS does over AWS JSON 1.0 (the MD5 of the body, which the
 * SDK checks) and records what the SDK sent; `failWith` makes it answer an SQS error instead.
 */
const sqsListener = () => {
  const received: Received[] = [];
  let failWith: string | undefined;
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      received.push({ headers: request.headers, body });
      response.setHeader('content-type', 'application/x-amz-json-1.0');
      if (failWith) {
        response.statusCode = 400;
        response.setHeader('x-amzn-query-error', `${failWith};Sender`);
        response.end(JSON.stringify({ __type: `com.amazonaws.sqs#${failWith}`, message: 'no such queue' }));
        return;
      }
      const md5 = createHash('md5').update(String(body.MessageBody)).digest('hex');
      response.end(JSON.stringify({ MessageId: `m-${received.length}`, MD5OfMessageBody: md5 }));
    });
  });
  return {
    received,
    server,
    fail: (code: string | undefined) => {
      failWith = code;
    },
  };
};

describe('start timers on SQS, through the real SDK client', () => {
  const listener = sqsListener();
  let client: SQSClient;
  const queueUrl =
    'https://sqs.eu-central-1.amazonaws.com/123456789012/model-shift-scheduler-test-start-timers';

  beforeAll(async () => {
    await new Promise<void>((resolve) => listener.server.listen(0, '127.0.0.1', resolve));
    const { port } = listener.server.address() as AddressInfo;
    client = new SQSClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client?.destroy();
    await new Promise((resolve) => listener.server.close(resolve));
  });

  beforeEach(() => {
    listener.received.length = 0;
    listener.fail(undefined);
  });

  it('sends one SendMessage per timer, delayed in whole seconds to its instant, the message as its body', async () => {
    // Prepare
    const now = new Date('2027-03-26T04:35:00.000Z');
    const timers = [
      {
        message: {
          at: '2027-03-26T04:39:39.000Z',
          models: [{ model: 'pcb-line-1', startAt: '2027-03-26T04:40:00.000Z' }],
          reason: 'start due at 2027-03-26T04:40:00.000Z',
        },
      },
      {
        message: {
          at: '2027-03-26T04:34:00.000Z',
          models: [{ model: 'pcb-line-2' }],
          reason: 'continuation',
        },
      },
    ];

    // Act
    await new SqsStartTimers(client, queueUrl).arm(timers, now);

    // Assess
    expect(listener.received).toHaveLength(2);
    const [first, second] = listener.received;
    expect(first?.headers['x-amz-target']).toBe('AmazonSQS.SendMessage');
    expect(first?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(first?.body).toEqual({
      QueueUrl: queueUrl,
      DelaySeconds: 279,
      MessageBody: JSON.stringify(timers[0]?.message),
    });
    expect(startTimerMessageSchema.parse(JSON.parse(String(first?.body.MessageBody)))).toEqual(
      timers[0]?.message,
    );
    // A timer whose instant has passed goes at once.
    expect(second?.body.DelaySeconds).toBe(0);
  });

  it('reports a queue that refuses the message as a StartTimerError with the cause', async () => {
    listener.fail('QueueDoesNotExist');
    const arming = new SqsStartTimers(client, queueUrl).arm(
      [{ message: { at: '2027-03-26T04:39:39.000Z', models: [{ model: 'pcb-line-1' }], reason: 'r' } }],
      new Date('2027-03-26T04:35:00.000Z'),
    );
    await expect(arming).rejects.toBeInstanceOf(StartTimerError);
    await expect(arming).rejects.toMatchObject({ code: 'StartTimerNotArmed', cause: expect.any(Error) });
  });
});

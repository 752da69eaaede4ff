import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message held by {@link startSqsQueue}. */
interface Held {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly sentAt: number;
  receiptHandle?: string;
  hiddenUntil: number;
}

/**
 * One SQS queue over AWS JSON 1.0 (`X-Amz-Target: AmazonSQS.<Op>`), for tests of code that reads a
 * queue through the real SDK client: ReceiveMessage (visibility timeout, message attributes, the
 * SentTimestamp system attribute, the body's MD5 the SDK checks), ChangeMessageVisibility and
 * DeleteMessage by receipt handle. Messages are put with {@link SqsQueue.put}; time is the wall clock.
 */
export interface SqsQueue {
  readonly url: string;
  put(body: string, attributes?: Record<string, string>): string;
  /** The ids of the messages still in the queue, visible or not. */
  ids(): string[];
  close(): Promise<void>;
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

export const startSqsQueue = async (): Promise<SqsQueue> => {
  const held: Held[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const input = JSON.parse(text || '{}') as Record<string, unknown>;
      response.setHeader('content-type', 'application/x-amz-json-1.0');
      const now = Date.now();
      if (target === 'AmazonSQS.ReceiveMessage') {
        const most = Number(input.MaxNumberOfMessages ?? 1);
        const hideMs = Number(input.VisibilityTimeout ?? 30) * 1000;
        const visible = held.filter((message) => message.hiddenUntil <= now).slice(0, most);
        const wantsAttributes = Array.isArray(input.MessageAttributeNames);
        const Messages = visible.map((message) => {
          message.receiptHandle = randomUUID();
          message.hiddenUntil = now + hideMs;
          return {
            MessageId: message.messageId,
            ReceiptHandle: message.receiptHandle,
            Body: message.body,
            MD5OfBody: md5(message.body),
            Attributes: { SentTimestamp: String(message.sentAt) },
            ...(wantsAttributes && Object.keys(message.attributes).length > 0
              ? {
                  MessageAttributes: Object.fromEntries(
                    Object.entries(message.attributes).map(([name, value]) => [
                      name,
                      { DataType: 'String', StringValue: value },
                    ]),
                  ),
                }
              : {}),
          };
        });
        response.end(JSON.stringify(Messages.length > 0 ? { Messages } : {}));
        return;
      }
      if (target === 'AmazonSQS.ChangeMessageVisibility') {
        const message = held.find((candidate) => candidate.receiptHandle === input.ReceiptHandle);
        if (message) message.hiddenUntil = now + Number(input.VisibilityTimeout ?? 0) * 1000;
        response.end('{}');
        return;
      }
      if (target === 'AmazonSQS.DeleteMessage') {
        const index = held.findIndex((message) => message.receiptHandle === input.ReceiptHandle);
        if (index >= 0) held.splice(index, 1);
        response.end('{}');
        return;
      }
      response.statusCode = 400;
      response.setHeader('x-amzn-query-error', 'AWS.SimpleQueueService.UnsupportedOperation;Sender');
      response.end(JSON.stringify({ __type: 'com.amazonaws.sqs#UnsupportedOperation', message: target }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let sent = Date.parse('2027-03-26T00:00:00Z');
  return {
    url: `http://127.0.0.1:${port}/123456789012/model-shift-scheduler-test-failed-invocations`,
    put: (body, attributes = {}) => {
      const messageId = randomUUID();
      sent += 1000;
      held.push({ messageId, body, attributes, sentAt: sent, hiddenUntil: 0 });
      return messageId;
    },
    ids: () => held.map((message) => message.messageId),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

/**
 * The failure queue on SQS: every visible message read (and hidden for a while, so one read sees
 * each once), none removed until its pass has run again.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { FailureQueue, QueuedMessage } from './failures.ts';

/** How long a read hides a message from the next read: long enough for a replay of all of them. */
const hiddenSeconds = 300;
/** The most messages one read takes; the queue keeps the rest. */
const mostMessages = 1000;

const queuedOf = (message: Message): QueuedMessage | undefined => {
  if (!message.MessageId || !message.ReceiptHandle || message.Body === undefined) return undefined;
  const attributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).flatMap(([name, value]) =>
      value.StringValue === undefined ? [] : [[name, value.StringValue]],
    ),
  );
  const sent = Number(message.Attributes?.SentTimestamp);
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body,
    attributes,
    ...(Number.isFinite(sent) && sent > 0 ? { sentAt: new Date(sent) } : {}),
  };
};

export class SqsFailureQueue implements FailureQueue {
  /**
   * @param client - built once per process
   * @param queueUrl - the failure queue (the stack's `FailedInvocationsQueueUrl` output)
   */
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async receiveAll(): Promise<QueuedMessage[]> {
    const seen = new Map<string, QueuedMessage>();
    while (seen.size < mostMessages) {
      const { Messages = [] } = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: hiddenSeconds,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      const fresh = Messages.flatMap((message) => queuedOf(message) ?? []).filter(
        (message) => !seen.has(message.messageId),
      );
      if (fresh.length === 0) break;
      for (const message of fresh) seen.set(message.messageId, message);
    }
    return [...seen.values()];
  }

  async release(message: QueuedMessage): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: message.receiptHandle,
        VisibilityTimeout: 0,
      }),
    );
  }

  async delete(message: QueuedMessage): Promise<void> {
    await this.client.send(
      new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.receiptHandle }),
    );
  }
}

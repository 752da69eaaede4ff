/**
 * Start timers as deployed: one SQS message per timer on the start-timers queue, delayed to its
 * instant (`DelaySeconds`, at most 15 minutes; ticks are 5 minutes apart, so every timer a tick
 * arms fits). The queue's consumer (functions/start-at.ts) runs the pass at the message's `at`.
 */
import { SendMessageCommand, type SendMessageCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { SchedulerError } from '../errors.ts';
import type { Env } from '../platform/env.ts';
import { delaySecondsUntil, type StartTimer, type StartTimers } from './start-timers.ts';

/** A timer could not be put on the queue; the next tick arms what is still due. */
export class StartTimerError extends SchedulerError {
  override readonly name = 'StartTimerError';
  readonly code = 'StartTimerNotArmed';
}

/** The SendMessage request for `timer`, with its delay counted from `now`. Pure. */
export const sendMessageInputOf = (
  queueUrl: string,
  timer: StartTimer,
  now: Date,
): SendMessageCommandInput => ({
  QueueUrl: queueUrl,
  MessageBody: JSON.stringify(timer.message),
  DelaySeconds: delaySecondsUntil(new Date(timer.message.at), now),
});

/** Start timers on an SQS queue. */
export class SqsStartTimers implements StartTimers {
  /**
   * @param client - built once per process
   * @param queueUrl - the start-timers queue (`START_TIMERS_QUEUE_URL` on Lambda)
   */
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async arm(timers: readonly StartTimer[], now: Date): Promise<void> {
    for (const timer of timers) {
      try {
        await this.client.send(new SendMessageCommand(sendMessageInputOf(this.queueUrl, timer, now)));
      } catch (error) {
        throw new StartTimerError(
          `could not arm the start timer for ${timer.message.at}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    }
  }
}

/** The variable serverless.yml sets to the start-timers queue's URL. */
export const startTimersQueueVariable = 'START_TIMERS_QUEUE_URL';

/**
 * Start timers on the queue `START_TIMERS_QUEUE_URL` names (the SDK's own configuration for the
 * rest: `AWS_ENDPOINT_URL_SQS`, region, credentials), or undefined when it is unset: a pass then
 * arms nothing and the next tick picks up.
 */
export const startTimersFromEnv = (env: Env): SqsStartTimers | undefined => {
  const queueUrl = env[startTimersQueueVariable]?.trim();
  return queueUrl ? new SqsStartTimers(new SQSClient({}), queueUrl) : undefined;
};

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { depsFromEnv } from '../src/app/deps.ts';
import { invocationDeps } from '../src/app/invocation-deps.ts';
import { passMetrics } from '../src/app/pass-metrics.ts';
import { startTimersFromEnv, startTimersQueueVariable } from '../src/app/sqs-start-timers.ts';
import { reconcileTimer } from '../src/app/start-at.ts';
import { startTimerMessageSchema } from '../src/app/start-timers.ts';
import { requireEnv } from '../src/platform/env.ts';
import { createLogger, logPassFailure } from '../src/platform/logger.ts';
import { CallCounter, metricsSettingsFromEnv, publishMetrics } from '../src/platform/metrics.ts';

const logger = createLogger();
const calls = new CallCounter();
const metrics = metricsSettingsFromEnv(process.env);
const deps = depsFromEnv(process.env, { requireTables: true, onHostingClient: calls.attach });
requireEnv(process.env, startTimersQueueVariable);
// Continuations of a pass that reaches its deadline go back on the same queue.
const timers = startTimersFromEnv(process.env);
const container = { deps, ...(timers ? { timers } : {}), logger };

/**
 * A start timer from the start-timers queue, delivered at its instant: the shift-edge pass for the
 * timer's models at the timer's `at`. A message that fails is reported on its own, so SQS retries
 * only that one (and after its receives, moves it to the failure queue); a repeated pass is harmless.
 */
const startAt = async (
  event: SQSEvent,
  context: Context,
  { signal }: { signal: AbortSignal },
): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchItemFailure[] = [];
  for (const record of event.Records) {
    try {
      const message = startTimerMessageSchema.parse(JSON.parse(record.body));
      calls.take(); // counts only this pass's calls
      const startedAt = Date.now();
      const report = await reconcileTimer(invocationDeps(container, context, signal), message, new Date());
      if (report) {
        publishMetrics(
          metrics,
          passMetrics(report, { durationMs: Date.now() - startedAt, calls: calls.take() }),
        );
      }
      if (!report) logger.warn('stale start timer skipped; the reconcile tick covers it', { at: message.at });
      else if (report.timerError)
        logger.warn('continuation not armed; the next tick picks up', {
          at: message.at,
          error: report.timerError,
        });
    } catch (error) {
      logPassFailure(logger, error, { messageId: record.messageId, trigger: 'start timer' });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};

export const handler = middy<SQSEvent, SQSBatchResponse>({ timeoutEarlyInMillis: 5_000 })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(startAt);

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { depsFromEnv } from '../src/app/deps.ts';
import { invocationDeps } from '../src/app/invocation-deps.ts';
import { passMetrics } from '../src/app/pass-metrics.ts';
import { reconcileEdge, shiftEdgeEventSchema } from '../src/app/shift-edge.ts';
import { startTimersFromEnv } from '../src/app/sqs-start-timers.ts';
import { createLogger, logPassFailure } from '../src/platform/logger.ts';
import { CallCounter, metricsSettingsFromEnv, publishMetrics } from '../src/platform/metrics.ts';

const logger = createLogger();
const calls = new CallCounter();
const metrics = metricsSettingsFromEnv(process.env);
const deps = depsFromEnv(process.env, { requireTables: true, onHostingClient: calls.attach });
// For the continuation of a pass that reaches its deadline.
const timers = startTimersFromEnv(process.env);
const container = { deps, ...(timers ? { timers } : {}), logger };

/**
 * A shift edge from EventBridge Scheduler (in the schedule's time zone): the same decision as the
 * tick, for the models of that schedule, at the scheduled minute rather than up to 5 minutes later.
 */
const shiftEdge = async (event: unknown, context: Context, { signal }: { signal: AbortSignal }) => {
  const edge = shiftEdgeEventSchema.parse(event);
  calls.take(); // counts only this invocation's calls
  const startedAt = Date.now();
  const report = await reconcileEdge(invocationDeps(container, context, signal), edge, new Date()).catch(
    (error: unknown) => {
      // Failing the invocation lets Lambda retry it and the on-failure queue keep it.
      logPassFailure(logger, error, { ...edge, trigger: 'shift-edge' });
      throw error;
    },
  );
  if (!report) {
    logger.warn('stale shift edge skipped; the reconcile tick covers it', { ...edge });
    return { skipped: true };
  }
  publishMetrics(metrics, passMetrics(report, { durationMs: Date.now() - startedAt, calls: calls.take() }));
  return { at: report.at.toISOString(), models: report.outcomes.length };
};

export const handler = middy<unknown, unknown>({ timeoutEarlyInMillis: 5_000 })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(shiftEdge);

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { z } from 'zod';
import { depsFromEnv } from '../src/app/deps.ts';
import { monthToDate, passMetrics, wantsMonthToDate } from '../src/app/pass-metrics.ts';
import { reconcileOnTime } from '../src/app/reconcile.ts';
import { createLogger, logOutcome, logPassFailure } from '../src/platform/logger.ts';
import { CallCounter, metricsSettingsFromEnv, publishMetrics } from '../src/platform/metrics.ts';

const logger = createLogger();
const calls = new CallCounter();
const metrics = metricsSettingsFromEnv(process.env);
// Built once per container and reused across invocations.
const deps = depsFromEnv(process.env, { requireTables: true, onHostingClient: calls.attach });

const eventSchema = z.object({ time: z.iso.datetime() });

/** The reconcile tick: every 5 minutes, one pass over every model at the event's time. */
const reconcileTick = async (
  event: ScheduledEvent,
  context: Context,
  { signal }: { signal: AbortSignal },
) => {
  const { time } = eventSchema.parse(event);
  calls.take(); // counts only this invocation's calls
  const now = new Date();
  const report = await reconcileOnTime(
    {
      ...deps,
      signal,
      timeLeft: () => context.getRemainingTimeInMillis(),
      onOutcome: (outcome, pass) => logOutcome(logger, outcome, pass),
    },
    { at: new Date(time), trigger: 'tick' },
    now,
  ).catch((error: unknown) => {
    // Failing the invocation lets Lambda retry it and the on-failure queue keep it.
    logPassFailure(logger, error, { time, trigger: 'tick' });
    throw error;
  });
  if (!report) {
    logger.warn('stale tick skipped; the next tick decides at its own time', {
      time,
      lateMs: now.getTime() - Date.parse(time),
    });
    return { skipped: true };
  }
  const durationMs = Date.now() - now.getTime();
  // Metrics never fail a pass that ran: without the month's figures the rest is still published.
  const month = wantsMonthToDate(report.at)
    ? await monthToDate(deps, report.at).catch(() => undefined)
    : undefined;
  publishMetrics(
    metrics,
    passMetrics(report, { durationMs, calls: calls.take(), ...(month ? { monthToDate: month } : {}) }),
  );
  return { at: report.at.toISOString(), models: report.outcomes.length };
};

// The early timeout aborts the SDK calls of a pass that overran anyway; the pass itself ends
// sooner, at its own margin before the deadline.
export const handler = middy<ScheduledEvent, unknown>({ timeoutEarlyInMillis: 5_000 })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(reconcileTick);

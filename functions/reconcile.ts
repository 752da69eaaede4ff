import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import * as z from 'zod';
import { depsFromEnv } from '../src/app/deps.ts';
import { invocationDeps } from '../src/app/invocation-deps.ts';
import { monthToDate, passMetrics, wantsMonthToDate } from '../src/app/pass-metrics.ts';
import { reconcileOnTime } from '../src/app/reconcile.ts';
import { startTimersFromEnv } from '../src/app/sqs-start-timers.ts';
import { timerLeadInMs } from '../src/app/start-timers.ts';
import { createLogger, logPassFailure } from '../src/platform/logger.ts';
import { CallCounter, metricsSettingsFromEnv, publishMetrics } from '../src/platform/metrics.ts';

const logger = createLogger();
const calls = new CallCounter();
const metrics = metricsSettingsFromEnv(process.env);
// Built once per container and reused across invocations.
const deps = depsFromEnv(process.env, { requireTables: true, onHostingClient: calls.attach });
const timers = startTimersFromEnv(process.env);
const container = { deps, ...(timers ? { timers } : {}), logger };

/** The tick's period (serverless.yml: `rate(5 minutes)`): each tick arms the start timers due before the next. */
const tickMs = 5 * 60_000;
/**
 * How long one startAt invocation sends: its timeout (serverless.yml: 300 s) less the 10 s a pass
 * keeps before its deadline and the lead-in in which it observes.
 */
const timerSendWindowMs = 300_000 - 10_000 - timerLeadInMs;

const eventSchema = z.object({ time: z.iso.datetime() });

/**
 * The reconcile tick: every 5 minutes, one pass over every model at the event's time, arming a
 * start timer for each start (or queue of starts) due before the next tick.
 */
const reconcileTick = async (
  event: ScheduledEvent,
  context: Context,
  { signal }: { signal: AbortSignal },
) => {
  const { time } = eventSchema.parse(event);
  calls.take(); // counts only this invocation's calls
  const now = new Date();
  const report = await reconcileOnTime(
    invocationDeps(container, context, signal),
    {
      at: new Date(time),
      trigger: 'tick',
      armTimersUntil: new Date(Date.parse(time) + tickMs),
      timerSendWindowMs,
    },
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
  if (report.timerError)
    logger.warn('start timers not armed; the next tick arms what is still due', {
      time,
      error: report.timerError,
    });
  if (report.refusedConfig) {
    logger.error('configuration refused; the last valid version keeps running', {
      time,
      alert: true,
      refusedVersion: report.refusedConfig.version,
      runningVersion: report.configVersion,
      errors: report.refusedConfig.message,
    });
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

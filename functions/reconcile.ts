import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, ScheduledEvent } from 'aws-lambda';
import * as z from 'zod';
import { depsFromEnv } from '../src/app/deps.ts';
import { reconcileOnTime } from '../src/app/reconcile.ts';
import { createLogger, logOutcome, logPassFailure } from '../src/platform/logger.ts';

const logger = createLogger();
// Built once per container and reused across invocations.
const deps = depsFromEnv(process.env, { requireTables: true });

const eventSchema = z.object({ time: z.iso.datetime() });

/** The reconcile tick: every 5 minutes, one pass over every model at the event's time. */
const reconcileTick = async (
  event: ScheduledEvent,
  context: Context,
  { signal }: { signal: AbortSignal },
) => {
  const { time } = eventSchema.parse(event);
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
  return { at: report.at.toISOString(), models: report.outcomes.length };
};

// The early timeout aborts the SDK calls of a pass that overran anyway; the pass itself ends
// sooner, at its own margin before the deadline.
export const handler = middy<ScheduledEvent, unknown>({ timeoutEarlyInMillis: 5_000 })
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(reconcileTick);

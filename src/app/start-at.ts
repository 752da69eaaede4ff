import { type PassReport, type ReconcileDeps, reconcileOnTime } from './reconcile.ts';
import type { StartTimerMessage } from './start-timers.ts';

/**
 * The pass a start timer (or a continuation) triggers: the shift-edge decision for the timer's
 * models at the timer's instant, each decided for the start instant it names. A duplicate or
 * retried timer is harmless: the pass is idempotent. Resolves to undefined when the timer arrives
 * too late to act at its instant (see {@link reconcileOnTime}): the reconcile tick covers it.
 *
 * @param now - when the timer is handled, on the caller's clock
 */
export const reconcileTimer = (
  deps: ReconcileDeps,
  message: StartTimerMessage,
  now: Date,
): Promise<PassReport | undefined> => {
  const startsFor: Record<string, Date> = {};
  for (const start of message.models) if (start.startAt) startsFor[start.model] = new Date(start.startAt);
  return reconcileOnTime(
    deps,
    {
      at: new Date(message.at),
      trigger: `start timer (${message.reason})`,
      models: message.models.map((start) => start.model),
      startsFor,
    },
    now,
  );
};

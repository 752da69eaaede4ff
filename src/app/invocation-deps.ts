import type { Logger } from '@aws-lambda-powertools/logger';
import { logOutcome } from '../platform/logger.ts';
import type { ReconcileDeps } from './reconcile.ts';
import type { StartTimers } from './start-timers.ts';

/** What a Lambda container builds once and every invocation's pass shares. */
export interface ContainerDeps {
  readonly deps: ReconcileDeps;
  /** Where passes arm start timers and continuations; none when the queue is not configured. */
  readonly timers?: StartTimers;
  readonly logger: Logger;
}

const wallClock = { now: () => new Date() };

/**
 * The deps of one invocation's pass: the container's stores, hosts and timers on the wall clock,
 * with the invocation's abort signal and deadline, logging each model's line as soon as it is decided.
 */
export const invocationDeps = (
  container: ContainerDeps,
  context: { getRemainingTimeInMillis(): number },
  signal: AbortSignal,
): ReconcileDeps => ({
  ...container.deps,
  ...(container.timers ? { timers: container.timers } : {}),
  clock: wallClock,
  signal,
  timeLeft: () => context.getRemainingTimeInMillis(),
  onOutcome: (outcome, pass) => logOutcome(container.logger, outcome, pass),
});

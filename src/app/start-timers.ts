/**
 * Start timers: a start whose instant falls between two reconcile ticks goes out at that instant,
 * not at the next tick. Each tick plans the sends due before the next tick and arms one timer per
 * send instant (an SQS message delayed to it, as deployed); the timer runs the shift-edge pass for
 * its models at its instant. When more starts fall around one instant than the provider's quota can
 * send in time, the queue begins early enough that each start still goes out by its own instant.
 */
import * as z from 'zod';
import { providerOf } from '../providers/registry.ts';
import type { SchedulerConfig } from '../schedule/config.ts';
import { modelRunsBetween } from '../schedule/lifecycle.ts';
import type { StoredOverride } from '../store/config-repository.ts';
import { overrideOf } from './overrides.ts';

/** A model whose run starts at `at` (the run's start instant, lead included). */
export interface DueStart {
  readonly model: string;
  /** The quota the start counts against: the model's provider. */
  readonly provider: string;
  readonly at: Date;
}

/** A due start with the instant it is to be sent. */
export interface PlannedSend extends DueStart {
  /** No later than `at`; earlier only when the quota cannot send every start of a crowd in time. */
  readonly sendAt: Date;
}

/**
 * When to send each of one provider's starts so that none goes out after its instant and no two go
 * out closer than 1/rate: the latest such times, earliest start first. Computed backwards from the
 * last start: s_n = t_n, s_k = min(t_k, s_{k+1} − 1/rate).
 *
 * @param starts - the starts of one provider, in any order
 * @param requestsPerSecond - the provider's start quota
 * @returns the starts sorted by instant (then model), each with its send time
 */
export const sendTimes = (starts: readonly DueStart[], requestsPerSecond: number): PlannedSend[] => {
  if (!(requestsPerSecond > 0))
    throw new RangeError(`a request rate must be positive, not ${requestsPerSecond}`);
  const intervalMs = 1000 / requestsPerSecond;
  const sorted = [...starts].sort(
    (a, b) => a.at.getTime() - b.at.getTime() || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0),
  );
  const sends = new Array<PlannedSend>(sorted.length);
  let next = Number.POSITIVE_INFINITY;
  for (let k = sorted.length - 1; k >= 0; k -= 1) {
    const start = sorted[k] as DueStart;
    const sendMs = Math.min(start.at.getTime(), next - intervalMs);
    sends[k] = { ...start, sendAt: new Date(sendMs) };
    next = sendMs;
  }
  return sends;
};

/** One model of a timer: the start instant the pass decides it for. */
export interface TimedStart {
  readonly model: string;
  /** The run's start instant; the pass treats the model as wanted on from then, even if it sends earlier. */
  readonly startAt: string;
}

/** What a start timer carries to the pass it triggers (the SQS message body, as deployed). */
export const startTimerMessageSchema = z.strictObject({
  /** The instant the pass runs for: when the timer fires. */
  at: z.iso.datetime({ offset: true }),
  models: z.array(
    z.strictObject({ model: z.string().min(1), startAt: z.iso.datetime({ offset: true }).optional() }),
  ),
  reason: z.string(),
});
export type StartTimerMessage = z.infer<typeof startTimerMessageSchema>;

/** A timer to arm: its message, fired at the message's `at`. */
export interface StartTimer {
  readonly message: StartTimerMessage;
}

/** Where timers are armed: an SQS queue with delayed messages as deployed, a virtual queue in the simulation. */
export interface StartTimers {
  /**
   * Arms each timer to fire at its message's `at` (at once when that has passed).
   *
   * @param now - the instant the delays are counted from, on the caller's clock
   */
  arm(timers: readonly StartTimer[], now: Date): Promise<void>;
}

/**
 * How long before the first send the timer of a queue of several starts fires: its pass observes
 * the models (one list call per project, paced like every call) and reads their runs before the
 * first start can go out. A lone start's timer fires at its instant: observing one model takes a
 * call or two, and starting it earlier would only pay for idle time.
 */
export const timerLeadInMs = 15_000;

/**
 * What each continuation of a queue too long for one invocation loses before it sends again: it
 * observes anew ({@link timerLeadInMs}), and the pass before it stopped 10 s short of its deadline.
 */
export const continuationOverheadMs = timerLeadInMs + 10_000;

/** The provider's request rate: shifts.yml's `providers.<id>.requestsPerSecond`, else its default. */
export type RateOf = (provider: string) => number;

/** Whether two consecutive sends belong to one paced queue (no idle gap between them). */
const inOneQueue = (previous: PlannedSend, next: PlannedSend, intervalMs: number): boolean =>
  next.sendAt.getTime() - previous.sendAt.getTime() <= intervalMs + 1;

/**
 * The timers a tick at `from` arms: one per queue of starts (a lone start is a queue of one) whose
 * timer fires in [from, to), `to` being the next tick. A queue fires {@link timerLeadInMs} before
 * its first send (a lone start at its instant), on a whole second, and names every start of the queue, even those sent after
 * `to`, so one pass sends the whole queue at the quota's pace. A queue longer than one invocation
 * sends (`sendWindowMs`) fires earlier still, by {@link continuationOverheadMs} for each
 * continuation it will need, so its last starts still go out by their instants. Starts at or
 * before `from` are the tick's own.
 *
 * @param overrides - the stored overrides: a start they move or cancel is planned as they say
 * @param sendWindowMs - how long one invocation of the timer's pass can send (its timeout less
 *   observing and the deadline margin); unbounded when absent
 */
export const plannedStartTimers = (
  config: SchedulerConfig,
  overrides: readonly StoredOverride[],
  from: Date,
  to: Date,
  rateOf: RateOf,
  sendWindowMs = Number.POSITIVE_INFINITY,
): StartTimer[] => {
  const byProvider = new Map<string, SchedulerConfig['models']>();
  for (const model of config.models) {
    byProvider.set(model.provider, [...(byProvider.get(model.provider) ?? []), model]);
  }
  const timers: StartTimer[] = [];
  for (const [provider, models] of byProvider) {
    const rate = rateOf(provider);
    const intervalMs = 1000 / rate;
    // A start further out than this cannot pull a queue's timer before `to`.
    const longestQueueMs = models.length * intervalMs;
    const mostContinuations = Number.isFinite(sendWindowMs) ? Math.ceil(longestQueueMs / sendWindowMs) : 0;
    const horizon = new Date(
      to.getTime() + timerLeadInMs + longestQueueMs + mostContinuations * continuationOverheadMs,
    );
    const due: DueStart[] = [];
    for (const model of models) {
      const stored = overrides.find((override) => override.model === model.id);
      const { runs } = modelRunsBetween(
        config,
        model.id,
        from,
        horizon,
        stored ? overrideOf(stored) : undefined,
      );
      for (const run of runs) {
        const t = run.startAt.getTime();
        if (t > from.getTime() && t < horizon.getTime())
          due.push({ model: model.id, provider, at: run.startAt });
      }
    }
    const sends = sendTimes(due, rate);
    let queue: PlannedSend[] = [];
    const close = () => {
      const first = queue[0];
      if (!first) return;
      const spanMs = (queue.at(-1)?.sendAt.getTime() ?? 0) - first.sendAt.getTime();
      const continuations = Number.isFinite(sendWindowMs)
        ? Math.max(0, Math.ceil(spanMs / sendWindowMs) - 1)
        : 0;
      const leadMs = queue.length === 1 ? 0 : timerLeadInMs + continuations * continuationOverheadMs;
      const fireMs = Math.floor((first.sendAt.getTime() - leadMs) / 1000) * 1000;
      if (fireMs >= from.getTime() && fireMs < to.getTime()) {
        timers.push({
          message: {
            at: new Date(fireMs).toISOString(),
            models: queue.map((send) => ({ model: send.model, startAt: send.at.toISOString() })),
            reason:
              queue.length === 1
                ? `start due at ${first.at.toISOString()}`
                : `${queue.length} ${provider} starts due from ${first.at.toISOString()}, paced at ${rate}/s`,
          },
        });
      }
      queue = [];
    };
    for (const send of sends) {
      const last = queue.at(-1);
      if (last && !inOneQueue(last, send, intervalMs)) close();
      queue.push(send);
    }
    close();
  }
  return timers.sort((a, b) => Date.parse(a.message.at) - Date.parse(b.message.at));
};

/** SQS delays a message by at most 15 minutes. */
export const maxDelaySeconds = 900;

/** Whole seconds from `now` until `at`, within what SQS allows; rounded down so a timer is never late. */
export const delaySecondsUntil = (at: Date, now: Date): number =>
  Math.min(maxDelaySeconds, Math.max(0, Math.floor((at.getTime() - now.getTime()) / 1000)));

/**
 * The request rate of each provider for `config`: its `providers.<id>.requestsPerSecond`, else the
 * provider's own default.
 */
export const rateOfConfig =
  (config: SchedulerConfig): RateOf =>
  (provider) =>
    config.providers?.[provider]?.requestsPerSecond ?? providerOf(provider)?.requestsPerSecond ?? 5;

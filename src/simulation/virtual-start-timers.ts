import {
  delaySecondsUntil,
  type StartTimer,
  type StartTimerMessage,
  type StartTimers,
} from '../app/start-timers.ts';

/** A timer waiting on the virtual queue: delivered at `dueMs`, as SQS would deliver the message. */
export interface PendingTimer {
  readonly dueMs: number;
  readonly message: StartTimerMessage;
}

/**
 * Start timers for the simulation: a queue on the virtual clock that delivers each message after
 * the whole-second delay SQS would give it, in the order they fall due.
 */
export class VirtualStartTimers implements StartTimers {
  #pending: PendingTimer[] = [];
  #armed = 0;

  async arm(timers: readonly StartTimer[], now: Date): Promise<void> {
    for (const timer of timers) {
      const dueMs = now.getTime() + delaySecondsUntil(new Date(timer.message.at), now) * 1000;
      this.#pending.push({ dueMs, message: timer.message });
      this.#armed += 1;
    }
    this.#pending.sort((a, b) => a.dueMs - b.dueMs);
  }

  /** Takes the next timer due before `untilMs`, if any. */
  takeDue(untilMs: number): PendingTimer | undefined {
    const next = this.#pending[0];
    if (!next || next.dueMs >= untilMs) return undefined;
    this.#pending.shift();
    return next;
  }

  /** Timers not yet delivered. */
  get pending(): readonly PendingTimer[] {
    return this.#pending;
  }

  /** Timers armed so far. */
  get armed(): number {
    return this.#armed;
  }
}

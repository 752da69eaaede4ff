/**
 * Time for the emulator. The emulator never schedules timers: it stores when each transition is due
 * and evaluates a model's status from the clock whenever it is asked, so a virtual clock can jump a
 * week ahead instantly and every transition still lands on its exact instant.
 */

/** Where the emulator takes "now" from. */
export interface Clock {
  now(): Date;
}

/** The wall clock, for `shiftctl emulator` and anything that runs in real time. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that only moves when told to: tests and the simulator drive it. */
export class VirtualClock implements Clock {
  #nowMs: number;

  constructor(start: Date | string | number) {
    this.#nowMs = toEpochMs(start);
  }

  now(): Date {
    return new Date(this.#nowMs);
  }

  /**
   * Moves the clock to `instant`. Moving backwards is refused: transitions already due and the
   * billing ledger were evaluated against the later time and cannot be undone.
   */
  set(instant: Date | string | number): void {
    const target = toEpochMs(instant);
    if (target < this.#nowMs) {
      throw new RangeError(
        `the virtual clock only moves forward: ${new Date(target).toISOString()} is before ${this.now().toISOString()}`,
      );
    }
    this.#nowMs = target;
  }

  /** Moves the clock `ms` milliseconds ahead. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance the clock by ${ms} ms`);
    this.#nowMs += ms;
  }
}

/** Whether `clock` can be set and advanced. */
export const isVirtualClock = (clock: Clock): clock is VirtualClock => clock instanceof VirtualClock;

const toEpochMs = (instant: Date | string | number): number => {
  const ms = instant instanceof Date ? instant.getTime() : new Date(instant).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  return ms;
};

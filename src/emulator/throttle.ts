/**
 * The control-plane quota: a token bucket per API, refilled in real time. Real time even under a
 * virtual clock, because the quota limits how fast a caller may talk to the service, and the SDK's
 * retries wait in real time too.
 */

/** A bucket holding up to `ratePerSecond` tokens (at least one), refilled continuously. */
export class TokenBucket {
  #tokens: number;
  #lastMs: number;
  readonly #capacity: number;

  constructor(
    readonly ratePerSecond: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.#capacity = Math.max(1, ratePerSecond);
    this.#tokens = this.#capacity;
    this.#lastMs = nowMs();
  }

  /** Takes a token if there is one; `false` means the request is over the quota. */
  tryTake(): boolean {
    if (this.ratePerSecond === Number.POSITIVE_INFINITY) return true;
    const now = this.nowMs();
    this.#tokens = Math.min(
      this.#capacity,
      this.#tokens + ((now - this.#lastMs) / 1000) * this.ratePerSecond,
    );
    this.#lastMs = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

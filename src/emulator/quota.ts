/**
 * The control-plane quota: a token bucket per API, refilled in real time. Real time even under a
 * virtual clock, because the quota limits how fast a caller may talk to the service, and the SDK's
 * retries wait in real time too.
 */

/** A number for every API, or one number per API. */
export type PerApi<Api extends string, T> = T | Partial<Record<Api, T>>;

/** The value `value` gives `api`, or `fallback` when it gives none. */
export const perApi = <Api extends string>(
  value: PerApi<Api, number> | undefined,
  api: Api,
  fallback: number,
): number => (typeof value === 'number' ? value : (value?.[api] ?? fallback));

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

/** One token bucket per API, created on an API's first request; 5 requests per second by default. */
export class ApiQuota<Api extends string> {
  #buckets = new Map<Api, TokenBucket>();

  constructor(
    private requestsPerSecond: PerApi<Api, number>,
    private readonly nowMs: () => number,
  ) {}

  /** Takes a token of `api`'s bucket; `false` means the request is over the quota. */
  tryTake(api: Api): boolean {
    let bucket = this.#buckets.get(api);
    if (!bucket) {
      bucket = new TokenBucket(perApi(this.requestsPerSecond, api, 5), this.nowMs);
      this.#buckets.set(api, bucket);
    }
    return bucket.tryTake();
  }

  /** Replaces the rates; every bucket starts full. */
  set(requestsPerSecond: PerApi<Api, number>): void {
    this.requestsPerSecond = requestsPerSecond;
    this.#buckets.clear();
  }
}

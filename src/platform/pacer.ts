/**
 * Paces requests to a control plane whose quota counts requests per second per API (Lookout for
 * Vision allows 5 StartModel, 5 StopModel, 5 ListModels, … each second). Starts, stops and
 * observations of one provider share that quota, so every call of a provider's client waits for its
 * API's next slot here instead of being throttled by the service and retried blindly.
 *
 * The clock is injected: on Lambda it is the wall clock, in the simulation the virtual clock the
 * emulators' quota counts on, so both sides agree on what "one second" is.
 */

/** Where the pacer reads the time and how it waits; milliseconds. */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The wall clock. */
export const systemPacerClock: PacerClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** One queue per key (`<provider>:<API>`), each spaced 1/rate apart on the injected clock. */
export class Pacer {
  readonly #nextMs = new Map<string, number>();

  /**
   * @param clock - the time base shared with whoever counts the quota
   * @param rateOf - requests per second allowed for a key
   */
  constructor(
    readonly clock: PacerClock,
    private rateOf: (key: string) => number,
  ) {}

  /**
   * Paces each key `<provider>:<API>` at its provider's rate from now on (a pass sets the rates of
   * the configuration it read).
   */
  setProviderRates(rateOfProvider: (provider: string) => number): void {
    this.rateOf = (key) => rateOfProvider(key.slice(0, key.indexOf(':')));
  }

  /** When the next request of `key` may go, without taking that slot. */
  next(key: string): number {
    return Math.max(this.clock.now(), this.#nextMs.get(key) ?? Number.NEGATIVE_INFINITY);
  }

  /** Takes the next slot of `key` and returns its instant; the caller waits until then. */
  reserve(key: string): number {
    const rate = this.rateOf(key);
    if (!(rate > 0)) throw new RangeError(`${key}: a request rate must be positive, not ${rate}`);
    const slot = this.next(key);
    this.#nextMs.set(key, slot + 1000 / rate);
    return slot;
  }

  /** Waits for the next slot of `key`. */
  async take(key: string): Promise<void> {
    const wait = this.reserve(key) - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
  }
}

/** The part of every AWS SDK v3 client the pacer hooks into. */
interface MiddlewareClient {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string; override?: boolean },
    ): void;
  };
}

/**
 * Makes every command `client` sends wait for its API's slot (`<provider>:<CommandName>`) first.
 * Once per command, ahead of the SDK's own retries: those back off on their own.
 *
 * @returns the same client
 */
export const pacedClient = <Client>(client: Client, provider: string, pacer: Pacer): Client => {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      await pacer.take(`${provider}:${context.commandName ?? 'unknown'}`);
      return next(args);
    },
    { step: 'initialize', name: 'controlPlanePacer', override: true },
  );
  return client;
};

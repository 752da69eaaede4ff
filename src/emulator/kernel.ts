/**
 * What every emulated hosting service shares: the clock, the per-API quota, scripted and random
 * faults, the call log, the billing ledger and the hosting state machine. An engine adds only its
 * wire protocol, its statuses and its errors.
 *
 * Status is evaluated lazily: a transition stores when it is due, and every read first settles the
 * model against the clock. Nothing runs in the background, so a virtual clock may jump any distance.
 */
import type { Clock } from './clock.ts';
import { type InjectedError, InjectedErrors, type RandomFaults, type RequestScope } from './faults.ts';
import { BillingLedger, type LedgerReport, type Units } from './ledger.ts';
import { ApiQuota, type PerApi, perApi } from './quota.ts';
import { drawLatency, keyedRandom, type Latency, mulberry32, type Random } from './random.ts';
import { decodeNextToken, encodeNextToken } from './requests.ts';
import { ServiceError, type ServiceErrors } from './service-error.ts';
import type { WireProtocol, WireResponse } from './wire.ts';

const minute = 60_000;

/** How long starts and stops take; unset fields keep their current value. */
export interface Latencies {
  readonly start?: Latency;
  readonly stop?: Latency;
}

/** The options every engine takes. */
export interface KernelOptions<Api extends string> {
  readonly clock: Clock;
  /** Seeds latencies and random faults; the same seed replays the same run. Default 1. */
  readonly seed?: number;
  /** Default 10 minutes: samples of the real services say a start takes minutes. */
  readonly startLatency?: Latency;
  /** Default 2 minutes. */
  readonly stopLatency?: Latency;
  /** The per-API quota in requests per second; default 5 like the real services. `Infinity` turns it off. */
  readonly requestsPerSecond?: PerApi<Api, number>;
  /** The page size of list operations when the caller sends none. Default 100. */
  readonly defaultPageSize?: number;
  /** The most inference units all starting and hosted models may hold together. */
  readonly inferenceUnitQuota?: number;
  readonly region?: string;
  readonly accountId?: string;
  readonly faults?: RandomFaults<Api>;
  /** Monotonic milliseconds for the quota's token buckets; tests pass their own. */
  readonly monotonicNowMs?: () => number;
  /**
   * The `Retry-After` of throttling answers, in whole seconds; default 1, the quota's own period. A
   * simulation on a virtual clock passes 0, so the SDK backs off on its own short schedule instead
   * of waiting a wall-clock second for a quota that counts virtual time.
   */
  readonly retryAfterSeconds?: number;
  /**
   * Draws each accepted start's latency and outcome, each stop's latency and each request's random
   * faults from a generator keyed by (seed, model, the how-many-th start or stop of it) — requests by
   * (seed, API, what they are about, the how-many-th such request) — instead of one stream in
   * arrival order. Two runs that send different requests then still meet the same k-th start of a
   * model, and `startDraw` tells ahead what it will be. Default false.
   */
  readonly keyedDraws?: boolean;
}

/** What the k-th accepted start of a model will do under keyed draws. */
export interface StartDraw {
  readonly latencyMs: number;
  /** Ends in the service's failed status (after `latencyMs`) instead of hosted. */
  readonly fails: boolean;
}

/**
 * The k-th (from 1) accepted start of `model` under keyed draws: its latency drawn from `latency`
 * and whether it fails, with `hostingFailureProbability`. The kernel draws exactly this; a caller
 * that knows the model's latency and the seed reads the same draw ahead of time.
 */
export const startDraw = (
  seed: number,
  model: string,
  k: number,
  latency: Latency,
  hostingFailureProbability: number,
): StartDraw => {
  const random = keyedRandom(seed, 'start', model, k);
  // The outcome first, so a distribution that draws more numbers never changes it.
  const fails = random() < hostingFailureProbability;
  return { latencyMs: Math.max(0, drawLatency(latency, random)), fails };
};

/** The k-th (from 1) stop of `model` under keyed draws: its latency drawn from `latency`. */
export const stopDraw = (seed: number, model: string, k: number, latency: Latency): number =>
  Math.max(0, drawLatency(latency, keyedRandom(seed, 'stop', model, k)));

/** How a list request is paged and what each item of its page shows. */
export interface ListPage<Item> {
  /** What the tokens are bound to. */
  readonly listing: string;
  readonly token: unknown;
  readonly pageSize: number;
  /** The answer's field that holds the page. */
  readonly field: string;
  readonly describe: (item: Item) => unknown;
  readonly invalidToken: () => ServiceError;
}

/** `accepted`: a start or stop that changed the model; `replayed`: a token replay that changed nothing. */
export type CallOutcome = 'ok' | 'accepted' | 'replayed' | 'error';

/** What an engine answers a request with, and how the call log counts it. */
export interface Answer {
  readonly response: WireResponse;
  readonly outcome: CallOutcome;
}

/** A 200 answer with `body`, counted as `outcome`. */
export const answer = (body: unknown, outcome: CallOutcome): Answer => ({
  response: { httpStatus: 200, body },
  outcome,
});

/** One request on an AWS path, as answered; `Fields` name the model the way its service does. */
export type CallRecord<Api extends string, Fields extends object = object> = {
  readonly seq: number;
  /** The engine clock's instant (virtual under a virtual clock). */
  readonly at: Date;
  readonly api: Api;
} & Fields & {
    readonly httpStatus: number;
    readonly outcome: CallOutcome;
    readonly errorType?: string;
  };

/** A status that holds still, or a transition due at `until` that ends in `becomes`. */
export type Phase<Status extends string> =
  | { readonly status: Status }
  | {
      readonly status: Status;
      readonly until: number;
      readonly becomes: Status;
      /** The billed run ends with the transition: a completed stop, or a failed start. */
      readonly closes?: 'stopped' | 'failed';
    };

/** The hosting state of one model, as the kernel drives it. */
export interface HostedModel<Status extends string> {
  phase: Phase<Status>;
  units?: Units;
  latencies: Latencies;
  failNextStarts: number;
  /** The ledger run this model is billed for, if any. */
  openRun?: number;
}

/** The exceptions an engine answers the kernel's own faults with. */
export interface FaultErrors<Api extends string, ErrorType extends string> {
  throttled(api: Api, message: string, retryAfterSeconds: number): ServiceError;
  internal(): ServiceError;
  injected(spec: InjectedError<Api, ErrorType>, scope: RequestScope, retryAfterSeconds: number): ServiceError;
}

/**
 * How a service whose exceptions carry only a message answers the kernel's quota and faults: a
 * throttle is its `ThrottlingException` with the wait, a random fault its `internal` exception, an
 * injected exception the one named.
 */
export const plainFaultErrors = <Api extends string, ErrorType extends string>(
  errors: ServiceErrors<ErrorType | 'ThrottlingException'>,
  internal: { readonly type: ErrorType; readonly message: string },
): FaultErrors<Api, ErrorType | 'ThrottlingException'> => {
  const throttled = (message: string, retryAfterSeconds: number): ServiceError =>
    errors('ThrottlingException', message, {}, retryAfterSeconds);
  return {
    throttled: (_api, message, retryAfterSeconds) => throttled(message, retryAfterSeconds),
    internal: () => errors(internal.type, internal.message),
    injected: (spec, _scope, retryAfterSeconds) => {
      const message = spec.message ?? `Injected ${spec.error} for ${spec.api}.`;
      return spec.error === 'ThrottlingException'
        ? throttled(message, retryAfterSeconds)
        : errors(spec.error, message);
    },
  };
};

/** A request about to be answered: its API, what it is about, and what the call log keeps of it. */
export interface KernelCall<Api extends string, Fields extends object> {
  readonly api: Api;
  readonly scope: RequestScope;
  readonly fields: Fields;
}

/** The shared machinery of one engine. */
export class EmulatorKernel<
  Api extends string,
  ErrorType extends string,
  Model extends object,
  Fields extends object,
> {
  readonly clock: Clock;
  readonly region: string;
  readonly accountId: string;
  readonly pageSize: number;
  readonly inferenceUnitQuota: number;
  readonly #retryAfterSeconds: number;
  readonly #seed: number;
  // Two streams, so adding a request (a fault draw) never shifts the latencies a run draws.
  #faultRandom: Random;
  #latencyRandom: Random;
  #defaults: { start: Latency; stop: Latency };
  readonly #quota: ApiQuota<Api>;
  #faults: RandomFaults<Api>;
  readonly #injected = new InjectedErrors<Api, ErrorType>();
  readonly #ledger = new BillingLedger<Model>();
  #calls: CallRecord<Api, Fields>[] = [];
  /** Under keyed draws: how many starts, stops and requests each key has had. */
  #counts = new Map<string, number>();

  /**
   * `keyOf` names a model for keyed draws (the engine's address name); it must be stable across
   * runs, so it never depends on the order models were created in.
   */
  constructor(
    private readonly options: KernelOptions<Api>,
    private readonly protocol: WireProtocol,
    private readonly errors: FaultErrors<Api, ErrorType>,
    private readonly keyOf: (model: HostedModel<string>) => string = () => '',
  ) {
    this.clock = options.clock;
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.pageSize = options.defaultPageSize ?? 100;
    this.inferenceUnitQuota = options.inferenceUnitQuota ?? Number.POSITIVE_INFINITY;
    this.#retryAfterSeconds = options.retryAfterSeconds ?? 1;
    this.#seed = options.seed ?? 1;
    this.#faultRandom = mulberry32(this.#seed);
    this.#latencyRandom = mulberry32(this.#seed ^ 0x9e3779b9);
    this.#defaults = this.#initialLatencies();
    this.#quota = new ApiQuota(
      options.requestsPerSecond ?? 5,
      options.monotonicNowMs ?? (() => performance.now()),
    );
    this.#faults = options.faults ?? {};
  }

  // ---------------------------------------------------------------- requests

  /**
   * Answers one request and records it in the call log: the quota first, then scripted faults,
   * then random ones (the order a caller would meet them in), then `act`. A `ServiceError` from
   * any of them is the answer; anything else is a bug and propagates.
   */
  answer(call: KernelCall<Api, Fields>, act: (now: number) => Answer): WireResponse {
    const at = this.clock.now();
    let response: WireResponse;
    let outcome: CallOutcome;
    let errorType: string | undefined;
    try {
      this.#admit(call);
      ({ response, outcome } = act(at.getTime()));
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      response = this.protocol.errorResponse(error);
      outcome = 'error';
      errorType = error.type;
    }
    this.#calls.push({
      seq: this.#calls.length + 1,
      at,
      api: call.api,
      ...call.fields,
      httpStatus: response.httpStatus,
      outcome,
      ...(errorType === undefined ? {} : { errorType }),
    } as CallRecord<Api, Fields>);
    return response;
  }

  #admit({ api, scope }: KernelCall<Api, Fields>): void {
    if (!this.#quota.tryTake(api)) throw this.errors.throttled(api, 'Rate exceeded', this.#retryAfterSeconds);
    const injected = this.#injected.take(api, scope);
    if (injected) throw this.errors.injected(injected, scope, this.#retryAfterSeconds);
    const chance = this.options.keyedDraws ? this.#keyedChance(api, scope) : (p: number) => this.chance(p);
    if (chance(perApi(this.#faults.throttleProbability, api, 0))) {
      throw this.errors.throttled(api, 'Rate exceeded', this.#retryAfterSeconds);
    }
    if (chance(perApi(this.#faults.internalErrorProbability, api, 0))) throw this.errors.internal();
  }

  /** The fault draws of the next request of `api` about `scope`, from that request's own generator. */
  #keyedChance(api: Api, scope: RequestScope): (probability: number) => boolean {
    const about = Object.entries(scope)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key}=${value}`)
      .join('&');
    const random = keyedRandom(this.#seed, 'call', api, about, this.#count(`call ${api} ${about}`));
    return (probability) => probability > 0 && random() < probability;
  }

  /** Counts one more of `key` and answers the new count (from 1). */
  #count(key: string): number {
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    return count;
  }

  /** Draws only when a fault is configured, so a run without faults consumes no random numbers. */
  chance(probability: number): boolean {
    return probability > 0 && this.#faultRandom() < probability;
  }

  // ---------------------------------------------------------------- the hosting state machine

  /** How long `which` takes for a model: its own latency, else the default, drawn from the seed. */
  draw(latencies: Latencies, which: 'start' | 'stop'): number {
    return Math.max(0, drawLatency(latencies[which] ?? this.#defaults[which], this.#latencyRandom));
  }

  /**
   * The phase of a model seeded in `status` at `now`: a start or a stop in progress completes after
   * the model's start or stop latency, like one a request begins; any other status stays.
   */
  seededPhase<Status extends string>(
    status: Status,
    latencies: Latencies,
    now: number,
    starting: { readonly starting: Status; readonly hosted: Status },
    stopping: { readonly stopping: Status; readonly stopped: Status },
  ): Phase<Status> {
    if (status === starting.starting) {
      return { status, until: now + this.draw(latencies, 'start'), becomes: starting.hosted };
    }
    if (status === stopping.stopping) {
      return {
        status,
        until: now + this.draw(latencies, 'stop'),
        becomes: stopping.stopped,
        closes: 'stopped',
      };
    }
    return { status };
  }

  /**
   * An accepted start: bills `units` from `now` and moves to `starting`, which ends in `hosted`, or
   * in `failed` when a scripted or random hosting failure is due.
   */
  beginStart<Status extends string>(
    model: HostedModel<Status>,
    billed: Model,
    units: Units,
    now: number,
    statuses: { readonly starting: Status; readonly hosted: Status; readonly failed: Status },
  ): void {
    let fails = false;
    let latencyMs: number;
    if (this.options.keyedDraws) {
      const key = this.keyOf(model);
      const drawn = startDraw(
        this.#seed,
        key,
        this.#count(`start ${key}`),
        model.latencies.start ?? this.#defaults.start,
        this.#faults.hostingFailureProbability ?? 0,
      );
      fails = drawn.fails;
      latencyMs = drawn.latencyMs;
      if (model.failNextStarts > 0) {
        model.failNextStarts -= 1;
        fails = true;
      }
    } else {
      if (model.failNextStarts > 0) {
        model.failNextStarts -= 1;
        fails = true;
      } else if (this.chance(this.#faults.hostingFailureProbability ?? 0)) {
        fails = true;
      }
      latencyMs = this.draw(model.latencies, 'start');
    }
    model.units = units;
    model.phase = {
      status: statuses.starting,
      until: now + latencyMs,
      becomes: fails ? statuses.failed : statuses.hosted,
      ...(fails ? { closes: 'failed' as const } : {}),
    };
    model.openRun = this.#ledger.open(billed, units, now);
  }

  /** An accepted stop: `stopping` until the stop latency has passed, then `stopped`, billing ended. */
  beginStop<Status extends string>(
    model: HostedModel<Status>,
    now: number,
    statuses: { readonly stopping: Status; readonly stopped: Status },
  ): void {
    const key = this.options.keyedDraws ? this.keyOf(model) : undefined;
    model.phase = {
      status: statuses.stopping,
      until:
        now +
        (key === undefined
          ? this.draw(model.latencies, 'stop')
          : stopDraw(
              this.#seed,
              key,
              this.#count(`stop ${key}`),
              model.latencies.stop ?? this.#defaults.stop,
            )),
      becomes: statuses.stopped,
      closes: 'stopped',
    };
  }

  /** Bills `units` for a model seeded in a status that holds them, from `now`. */
  bill<Status extends string>(model: HostedModel<Status>, billed: Model, units: Units, now: number): void {
    model.units = units;
    model.openRun = this.#ledger.open(billed, units, now);
  }

  /** Applies every transition that is due by `now`, each at its own instant. */
  settle<Status extends string>(model: HostedModel<Status>, now: number): void {
    for (;;) {
      const phase = model.phase;
      if (!('until' in phase) || phase.until > now) return;
      model.phase = { status: phase.becomes };
      if (phase.closes !== undefined && model.openRun !== undefined) {
        this.#ledger.close(model.openRun, phase.until, phase.closes);
        delete model.openRun;
      }
    }
  }

  /** The minimum units of every model, settled at `now`, whose status holds units. */
  unitsInUse<Status extends string>(
    models: Iterable<HostedModel<Status>>,
    holding: ReadonlySet<Status>,
    now: number,
  ): number {
    let total = 0;
    for (const model of models) {
      this.settle(model, now);
      if (holding.has(model.phase.status)) total += model.units?.min ?? 0;
    }
    return total;
  }

  /**
   * Refuses a start of `units` when it and the models holding units at `now` (their status is in
   * `holding`) would together exceed the inference-unit quota; `refused` is the service's exception.
   */
  admitUnits<Status extends string>(
    models: Iterable<HostedModel<Status>>,
    holding: ReadonlySet<Status>,
    units: Units,
    now: number,
    refused: (quota: number) => ServiceError,
  ): void {
    if (this.unitsInUse(models, holding, now) + units.min > this.inferenceUnitQuota) {
      throw refused(this.inferenceUnitQuota);
    }
  }

  /**
   * The page size a list request asks for in `maxResults` (the kernel's default when it names none);
   * `invalid` is the service's exception for one that is not a whole number from 1 to 100.
   */
  pageSizeOf(maxResults: unknown, invalid: () => ServiceError): number {
    const size = maxResults === undefined ? this.pageSize : maxResults;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 100) throw invalid();
    return size;
  }

  /**
   * One page of a list, as AWS list operations answer it: at most `pageSize` of `all` from the
   * offset `token` names (the start when it is undefined), each described under `field`, with a
   * `NextToken` while more follow. Tokens are bound to `listing`; `invalidToken` is the service's
   * exception for one that names no offset of it.
   */
  pageOf<Item>(all: readonly Item[], list: ListPage<Item>): Record<string, unknown> {
    const { listing, token, pageSize } = list;
    const offset = token === undefined ? 0 : decodeNextToken(token, listing, list.invalidToken);
    return {
      [list.field]: all.slice(offset, offset + pageSize).map(list.describe),
      ...(offset + pageSize < all.length ? { NextToken: encodeNextToken(listing, offset + pageSize) } : {}),
    };
  }

  /** One page of a list of models (see `pageOf`), each settled at `now` before it is described. */
  page<Status extends string, Item extends HostedModel<Status>>(
    all: readonly Item[],
    list: ListPage<Item>,
    now: number,
  ): Record<string, unknown> {
    return this.pageOf(all, {
      ...list,
      describe: (item: Item) => {
        this.settle(item, now);
        return list.describe(item);
      },
    });
  }

  // ---------------------------------------------------------------- administration

  /** Sets the defaults of every model without latencies of its own. */
  setDefaultLatencies(latencies: Latencies): void {
    this.#defaults = { ...this.#defaults, ...latencies };
  }

  /** Answers the next matching requests with a chosen exception. */
  injectError(spec: InjectedError<Api, ErrorType>): void {
    this.#injected.add(spec);
  }

  /** Replaces the random faults. */
  setFaults(faults: RandomFaults<Api>): void {
    this.#faults = faults;
  }

  /** Replaces the per-API quota; buckets start full. */
  setQuota(requestsPerSecond: PerApi<Api, number>): void {
    this.#quota.set(requestsPerSecond);
  }

  /** Every request answered so far, oldest first. */
  callLog(): readonly CallRecord<Api, Fields>[] {
    return [...this.#calls];
  }

  /** The billing ledger now; the engine settles its models first. */
  ledger(keyOf: (model: Model) => string): LedgerReport<Model> {
    return this.#ledger.report(this.clock.now(), keyOf);
  }

  /** Forgets faults, the ledger and the call log; restores the options. The clock stays. */
  reset(): void {
    this.#ledger.clear();
    this.#calls = [];
    this.#counts.clear();
    this.#injected.clear();
    this.#faultRandom = mulberry32(this.#seed);
    this.#latencyRandom = mulberry32(this.#seed ^ 0x9e3779b9);
    this.#faults = this.options.faults ?? {};
    this.#quota.set(this.options.requestsPerSecond ?? 5);
    this.#defaults = this.#initialLatencies();
  }

  #initialLatencies(): { start: Latency; stop: Latency } {
    return { start: this.options.startLatency ?? 10 * minute, stop: this.options.stopLatency ?? 2 * minute };
  }
}

/**
 * The `MinInferenceUnits` and `MaxInferenceUnits` of a model's last start, as both services' describe
 * answers carry them, where the service shows units (`show`).
 */
export const wireUnits = (
  units: Units | undefined,
  show: boolean,
): { readonly MinInferenceUnits?: number; readonly MaxInferenceUnits?: number } =>
  show && units
    ? { MinInferenceUnits: units.min, ...(units.max === undefined ? {} : { MaxInferenceUnits: units.max }) }
    : {};

/** The units a model seeded in a status that holds them is billed for: at least one. */
export const seededUnits = (spec: {
  readonly minInferenceUnits?: number;
  readonly maxInferenceUnits?: number;
}): Units => ({
  min: spec.minInferenceUnits ?? 1,
  ...(spec.maxInferenceUnits === undefined ? {} : { max: spec.maxInferenceUnits }),
});

/** What every engine's snapshot of a model says about its hosting. */
export interface HostingSnapshot<Status extends string> {
  readonly status: Status;
  readonly statusMessage: string;
  readonly createdAt: Date;
  readonly minInferenceUnits?: number;
  readonly maxInferenceUnits?: number;
  /** When the current transition completes, while one is under way. */
  readonly transitionDueAt?: Date;
}

/**
 * The hosting part of a model's snapshot: its status and `message`, and the units of its last start
 * where the service shows them (`showUnits`).
 */
export const hostingSnapshot = <Status extends string>(
  model: HostedModel<Status> & { readonly createdAt: number },
  message: string,
  showUnits: boolean,
): HostingSnapshot<Status> => ({
  status: model.phase.status,
  statusMessage: message,
  createdAt: new Date(model.createdAt),
  ...(showUnits && model.units ? { minInferenceUnits: model.units.min } : {}),
  ...(showUnits && model.units?.max !== undefined ? { maxInferenceUnits: model.units.max } : {}),
  ...('until' in model.phase ? { transitionDueAt: new Date(model.phase.until) } : {}),
});

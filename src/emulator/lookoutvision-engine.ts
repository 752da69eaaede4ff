/**
 * The Lookout for Vision service model behind the emulator's HTTP front: projects and model
 * versions, the hosting state machine, client tokens, the quota, injected faults, the billing
 * ledger and the call log. It knows nothing about HTTP, so unit tests drive it directly.
 *
 * Status is evaluated lazily: a transition stores when it is due, and every read first settles the
 * model against the clock. Nothing runs in the background, so a virtual clock may jump any distance.
 */
import type { Clock } from './clock.ts';
import { drawLatency, type Latency, mulberry32, type Random } from './random.ts';
import { ServiceError, type ServiceErrorType } from './service-error.ts';
import { TokenBucket } from './throttle.ts';

/** Every status a Lookout for Vision model version can have. */
export type ModelStatus =
  | 'TRAINING'
  | 'TRAINED'
  | 'TRAINING_FAILED'
  | 'STARTING_HOSTING'
  | 'HOSTED'
  | 'HOSTING_FAILED'
  | 'STOPPING_HOSTING'
  | 'SYSTEM_UPDATING'
  | 'DELETING';

/** The operations the emulator serves. */
export type ApiName = 'StartModel' | 'StopModel' | 'DescribeModel' | 'ListModels' | 'DetectAnomalies';

export const apiNames: readonly ApiName[] = [
  'StartModel',
  'StopModel',
  'DescribeModel',
  'ListModels',
  'DetectAnomalies',
];

/** One model version, addressed the way the service addresses it. */
export interface ModelAddress {
  readonly projectName: string;
  readonly modelVersion: string;
}

/** How long starts and stops take; unset fields keep their current value. */
export interface Latencies {
  readonly start?: Latency;
  readonly stop?: Latency;
}

/** A number for every API, or one number for all of them. */
export type PerApi<T> = T | Partial<Record<ApiName, T>>;

/** Random faults, drawn from the emulator's seeded generator. Probabilities are in [0, 1]. */
export interface RandomFaults {
  /** Chance that a request is answered with ThrottlingException although it is under the quota. */
  readonly throttleProbability?: PerApi<number>;
  /** Chance that a request is answered with InternalServerException. */
  readonly internalErrorProbability?: PerApi<number>;
  /** Chance that an accepted start ends in HOSTING_FAILED instead of HOSTED. */
  readonly hostingFailureProbability?: number;
}

/** A scripted fault: the next `times` matching requests are answered with `error`. */
export interface InjectedError {
  readonly api: ApiName;
  readonly error: ServiceErrorType;
  /** How many requests it answers; default 1. */
  readonly times?: number;
  /** Only requests for this project (and version, if given). */
  readonly projectName?: string;
  readonly modelVersion?: string;
  readonly message?: string;
}

export interface EngineOptions {
  readonly clock: Clock;
  /** Seeds latencies and random faults; the same seed replays the same run. Default 1. */
  readonly seed?: number;
  /** Default 10 minutes: samples of the real service say a start takes minutes. */
  readonly startLatency?: Latency;
  /** Default 2 minutes. */
  readonly stopLatency?: Latency;
  /** The per-API quota in requests per second; default 5 like the real service. `Infinity` turns it off. */
  readonly requestsPerSecond?: PerApi<number>;
  /** The page size of ListModels when the caller sends no `maxResults`. Default 100. */
  readonly defaultListPageSize?: number;
  /** The most inference units all starting and hosted models may hold together (ServiceQuotaExceeded). */
  readonly inferenceUnitQuota?: number;
  readonly region?: string;
  readonly accountId?: string;
  readonly faults?: RandomFaults;
  /** Monotonic milliseconds for the quota's token buckets; tests pass their own. */
  readonly monotonicNowMs?: () => number;
  /**
   * The `Retry-After` of throttling answers, in whole seconds; default 1, the quota's own period. A
   * simulation on a virtual clock passes 0, so the SDK backs off on its own short schedule instead
   * of waiting a wall-clock second for a quota that counts virtual time.
   */
  readonly retryAfterSeconds?: number;
}

/** What seeding a model may set; everything but the address has a default. */
export interface SeedModel extends ModelAddress {
  /** Default TRAINED. Seeding HOSTED opens a billing run at the current instant. */
  readonly status?: 'TRAINING' | 'TRAINED' | 'TRAINING_FAILED' | 'HOSTED' | 'DELETING';
  readonly minInferenceUnits?: number;
  readonly maxInferenceUnits?: number;
  readonly description?: string;
  readonly latencies?: Latencies;
}

/** A model as the emulator sees it right now. */
export interface ModelSnapshot extends ModelAddress {
  readonly modelArn: string;
  readonly status: ModelStatus;
  readonly statusMessage: string;
  readonly createdAt: Date;
  readonly minInferenceUnits?: number;
  readonly maxInferenceUnits?: number;
  /** When the current transition completes, for STARTING_HOSTING, STOPPING_HOSTING and SYSTEM_UPDATING. */
  readonly transitionDueAt?: Date;
}

/** One request on an AWS path, as answered. */
export interface CallRecord {
  readonly seq: number;
  /** The emulator clock's instant (virtual under a virtual clock). */
  readonly at: Date;
  readonly api: ApiName;
  readonly projectName?: string;
  readonly modelVersion?: string;
  readonly clientToken?: string;
  readonly httpStatus: number;
  /** `accepted`: a start or stop that changed the model; `replayed`: a token replay that changed nothing. */
  readonly outcome: 'ok' | 'accepted' | 'replayed' | 'error';
  readonly errorType?: ServiceErrorType;
}

/** One billed hosting run: from the accepted start until the stop completes or hosting fails. */
export interface LedgerRun extends ModelAddress {
  readonly clientToken?: string;
  readonly minInferenceUnits: number;
  readonly maxInferenceUnits?: number;
  readonly startedAt: Date;
  /** Null while the run is still billed. */
  readonly endedAt: Date | null;
  readonly outcome: 'running' | 'stopped' | 'failed';
  /** Minimum units × minutes, up to now for a run still billed. */
  readonly unitMinutes: number;
}

export interface LedgerReport {
  readonly at: Date;
  readonly runs: readonly LedgerRun[];
  /** Unit-minutes per model, keyed `project/version`. */
  readonly unitMinutesByModel: Readonly<Record<string, number>>;
  readonly totalUnitMinutes: number;
}

/** A request on an AWS path, decoded from HTTP. */
export type ApiRequest =
  | {
      readonly api: 'StartModel';
      readonly projectName: string;
      readonly modelVersion: string;
      readonly clientToken?: string;
      /** The parsed JSON body, not yet validated. */
      readonly body: unknown;
    }
  | {
      readonly api: 'StopModel';
      readonly projectName: string;
      readonly modelVersion: string;
      readonly clientToken?: string;
    }
  | { readonly api: 'DescribeModel'; readonly projectName: string; readonly modelVersion: string }
  | {
      readonly api: 'ListModels';
      readonly projectName: string;
      readonly maxResults?: string;
      readonly nextToken?: string;
    }
  | {
      readonly api: 'DetectAnomalies';
      readonly projectName: string;
      readonly modelVersion: string;
      readonly contentType?: string;
      readonly body: Uint8Array;
    };

/** What to send back: status, JSON body, extra headers. */
export interface ApiResponse {
  readonly httpStatus: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

type Phase =
  | {
      readonly status: 'TRAINING' | 'TRAINED' | 'TRAINING_FAILED' | 'HOSTED' | 'HOSTING_FAILED' | 'DELETING';
      readonly since: number;
      readonly message: string;
    }
  | {
      readonly status: 'STARTING_HOSTING';
      readonly since: number;
      readonly until: number;
      readonly fails: boolean;
    }
  | {
      readonly status: 'STOPPING_HOSTING' | 'SYSTEM_UPDATING';
      readonly since: number;
      readonly until: number;
    };

interface ModelRecord {
  readonly projectName: string;
  readonly modelVersion: string;
  readonly arn: string;
  readonly createdAt: number;
  readonly description?: string;
  phase: Phase;
  units?: { readonly min: number; readonly max?: number };
  latencies: Latencies;
  failNextStarts: number;
  /** Index into the ledger of the run this model is billed for, if any. */
  openRun?: number;
}

interface MutableRun {
  readonly projectName: string;
  readonly modelVersion: string;
  readonly clientToken?: string;
  readonly minInferenceUnits: number;
  readonly maxInferenceUnits?: number;
  readonly startedAt: number;
  endedAt: number | null;
  outcome: LedgerRun['outcome'];
}

interface TokenEntry {
  readonly paramsKey: string;
  readonly at: number;
  readonly response: ApiResponse;
}

const tokenPattern = /^[a-zA-Z0-9-]{1,64}$/;
const versionPattern = /^([1-9][0-9]*|latest)$/;
const projectPattern = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/;
/** The service keeps a client token active for 8 hours. */
const tokenLifetimeMs = 8 * 60 * 60 * 1000;
const minute = 60_000;

const messages: Readonly<Record<ModelStatus, string>> = {
  TRAINING: 'Training in progress.',
  TRAINED: 'Training completed successfully.',
  TRAINING_FAILED: 'Training failed.',
  STARTING_HOSTING: 'Hosting starting.',
  HOSTED: 'Hosting succeeded.',
  HOSTING_FAILED: 'Hosting failed: the model could not be deployed.',
  STOPPING_HOSTING: 'Hosting stopping.',
  SYSTEM_UPDATING: 'System update in progress.',
  DELETING: 'Model is being deleted.',
};

/** The Lookout for Vision model: call `handle` for AWS requests, the other methods for administration. */
export class LookoutVisionEngine {
  readonly clock: Clock;
  readonly #region: string;
  readonly #accountId: string;
  readonly #monotonicNowMs: () => number;
  readonly #retryAfterSeconds: number;
  readonly #seed: number;
  // Two streams, so adding a request (a fault draw) never shifts the latencies a run draws.
  #faultRandom: Random;
  #latencyRandom: Random;
  #defaults: { start: Latency; stop: Latency };
  #quota: PerApi<number>;
  #buckets = new Map<ApiName, TokenBucket>();
  #faults: RandomFaults;
  #injected: { spec: InjectedError; left: number }[] = [];
  #inferenceUnitQuota: number;
  #listPageSize: number;
  #projects = new Map<string, Map<string, ModelRecord>>();
  #tokens = new Map<string, TokenEntry>();
  #ledger: MutableRun[] = [];
  #calls: CallRecord[] = [];

  constructor(private readonly options: EngineOptions) {
    this.clock = options.clock;
    this.#region = options.region ?? 'us-east-1';
    this.#accountId = options.accountId ?? '123456789012';
    this.#monotonicNowMs = options.monotonicNowMs ?? (() => performance.now());
    this.#retryAfterSeconds = options.retryAfterSeconds ?? 1;
    this.#seed = options.seed ?? 1;
    this.#faultRandom = mulberry32(this.#seed);
    this.#latencyRandom = mulberry32(this.#seed ^ 0x9e3779b9);
    this.#defaults = { start: options.startLatency ?? 10 * minute, stop: options.stopLatency ?? 2 * minute };
    this.#quota = options.requestsPerSecond ?? 5;
    this.#faults = options.faults ?? {};
    this.#inferenceUnitQuota = options.inferenceUnitQuota ?? Number.POSITIVE_INFINITY;
    this.#listPageSize = options.defaultListPageSize ?? 100;
  }

  // ---------------------------------------------------------------- AWS requests

  /** Answers one AWS request and records it in the call log. Never throws for service errors. */
  handle(request: ApiRequest): ApiResponse {
    const at = this.clock.now();
    const model = 'modelVersion' in request ? request.modelVersion : undefined;
    const token = 'clientToken' in request ? request.clientToken : undefined;
    let response: ApiResponse;
    let outcome: CallRecord['outcome'];
    let errorType: ServiceErrorType | undefined;
    try {
      this.#admit(request);
      const result = this.#dispatch(request, at.getTime());
      response = result.response;
      outcome = result.outcome;
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      response = errorResponse(error);
      outcome = 'error';
      errorType = error.type;
    }
    this.#calls.push({
      seq: this.#calls.length + 1,
      at,
      api: request.api,
      projectName: request.projectName,
      ...(model === undefined ? {} : { modelVersion: model }),
      ...(token === undefined ? {} : { clientToken: token }),
      httpStatus: response.httpStatus,
      outcome,
      ...(errorType === undefined ? {} : { errorType }),
    });
    return response;
  }

  /** The quota first, then scripted faults, then random ones: the order a caller would meet them in. */
  #admit(request: ApiRequest): void {
    if (!this.#bucket(request.api).tryTake()) {
      throw throttled(request.api, 'Rate exceeded', this.#retryAfterSeconds);
    }
    const modelVersion = 'modelVersion' in request ? request.modelVersion : undefined;
    const injected = this.#injected.find(
      ({ spec, left }) =>
        left > 0 &&
        spec.api === request.api &&
        (spec.projectName === undefined || spec.projectName === request.projectName) &&
        (spec.modelVersion === undefined || spec.modelVersion === modelVersion),
    );
    if (injected) {
      injected.left -= 1;
      this.#injected = this.#injected.filter(({ left }) => left > 0);
      throw injectedError(injected.spec, request, this.#retryAfterSeconds);
    }
    if (this.#chance(perApi(this.#faults.throttleProbability, request.api, 0))) {
      throw throttled(request.api, 'Rate exceeded', this.#retryAfterSeconds);
    }
    if (this.#chance(perApi(this.#faults.internalErrorProbability, request.api, 0))) {
      throw new ServiceError('InternalServerException', 'An internal error occurred.');
    }
  }

  #dispatch(request: ApiRequest, now: number): { response: ApiResponse; outcome: CallRecord['outcome'] } {
    switch (request.api) {
      case 'StartModel':
        return this.#startModel(request, now);
      case 'StopModel':
        return this.#stopModel(request, now);
      case 'DescribeModel':
        return {
          response: ok(200, { ModelDescription: this.#describe(this.#find(request, now)) }),
          outcome: 'ok',
        };
      case 'ListModels':
        return { response: ok(200, this.#listModels(request, now)), outcome: 'ok' };
      case 'DetectAnomalies':
        return { response: ok(200, this.#detect(request, now)), outcome: 'ok' };
    }
  }

  #startModel(
    request: Extract<ApiRequest, { api: 'StartModel' }>,
    now: number,
  ): { response: ApiResponse; outcome: CallRecord['outcome'] } {
    validateAddress(request);
    const token = validateToken(request.clientToken);
    const units = parseUnits(request.body);
    const paramsKey = JSON.stringify([
      request.projectName,
      request.modelVersion,
      units.min,
      units.max ?? null,
    ]);
    const replay = this.#replay('StartModel', token, paramsKey, now);
    if (replay) return { response: replay, outcome: 'replayed' };

    const model = this.#find(request, now);
    const { status } = model.phase;
    if (status !== 'TRAINED' && status !== 'HOSTING_FAILED') {
      throw conflict(model, `Model ${model.modelVersion} cannot be started while its status is ${status}.`);
    }
    if (this.#unitsInUse(now) + units.min > this.#inferenceUnitQuota) {
      throw new ServiceError(
        'ServiceQuotaExceededException',
        `Starting ${units.min} inference units would exceed the quota of ${this.#inferenceUnitQuota}.`,
        {
          QuotaCode: 'L-inference-units',
          ServiceCode: 'lookoutvision',
          ResourceId: model.arn,
          ResourceType: 'MODEL',
        },
      );
    }
    this.#beginStart(model, units, now, token);
    const response = ok(202, { Status: 'STARTING_HOSTING' });
    this.#remember('StartModel', token, paramsKey, now, response);
    return { response, outcome: 'accepted' };
  }

  #stopModel(
    request: Extract<ApiRequest, { api: 'StopModel' }>,
    now: number,
  ): { response: ApiResponse; outcome: CallRecord['outcome'] } {
    validateAddress(request);
    const token = validateToken(request.clientToken);
    const paramsKey = JSON.stringify([request.projectName, request.modelVersion]);
    const replay = this.#replay('StopModel', token, paramsKey, now);
    if (replay) return { response: replay, outcome: 'replayed' };

    const model = this.#find(request, now);
    // Only a HOSTED model is running; a start still in progress has to finish first, as on AWS.
    if (model.phase.status !== 'HOSTED') {
      throw conflict(
        model,
        `Model ${model.modelVersion} is not running: its status is ${model.phase.status}.`,
      );
    }
    model.phase = { status: 'STOPPING_HOSTING', since: now, until: now + this.#draw(model, 'stop') };
    const response = ok(202, { Status: 'STOPPING_HOSTING' });
    this.#remember('StopModel', token, paramsKey, now, response);
    return { response, outcome: 'accepted' };
  }

  #replay(api: ApiName, token: string | undefined, paramsKey: string, now: number): ApiResponse | undefined {
    if (token === undefined) return undefined;
    const key = `${api}:${token}`;
    const entry = this.#tokens.get(key);
    if (!entry) return undefined;
    if (now - entry.at >= tokenLifetimeMs) {
      this.#tokens.delete(key);
      return undefined;
    }
    if (entry.paramsKey !== paramsKey) {
      // The service documents only that "an error occurs"; ValidationException says the request
      // itself is wrong (a caller bug), where ConflictException would read as "the model is busy".
      throw new ServiceError(
        'ValidationException',
        `ClientToken ${token} was already used for ${api} with different parameters.`,
      );
    }
    return entry.response;
  }

  #remember(
    api: ApiName,
    token: string | undefined,
    paramsKey: string,
    now: number,
    response: ApiResponse,
  ): void {
    if (token !== undefined) this.#tokens.set(`${api}:${token}`, { paramsKey, at: now, response });
  }

  #beginStart(model: ModelRecord, units: { min: number; max?: number }, now: number, token?: string): void {
    let fails = false;
    if (model.failNextStarts > 0) {
      model.failNextStarts -= 1;
      fails = true;
    } else if (this.#chance(this.#faults.hostingFailureProbability ?? 0)) {
      fails = true;
    }
    model.units = units;
    model.phase = { status: 'STARTING_HOSTING', since: now, until: now + this.#draw(model, 'start'), fails };
    model.openRun = this.#openRun(model, units, now, token);
  }

  #openRun(model: ModelRecord, units: { min: number; max?: number }, now: number, token?: string): number {
    this.#ledger.push({
      projectName: model.projectName,
      modelVersion: model.modelVersion,
      ...(token === undefined ? {} : { clientToken: token }),
      minInferenceUnits: units.min,
      ...(units.max === undefined ? {} : { maxInferenceUnits: units.max }),
      startedAt: now,
      endedAt: null,
      outcome: 'running',
    });
    return this.#ledger.length - 1;
  }

  #closeRun(model: ModelRecord, at: number, outcome: 'stopped' | 'failed'): void {
    const run = model.openRun === undefined ? undefined : this.#ledger[model.openRun];
    if (run) {
      run.endedAt = at;
      run.outcome = outcome;
    }
    delete model.openRun;
  }

  #draw(model: ModelRecord, which: 'start' | 'stop'): number {
    return Math.max(0, drawLatency(model.latencies[which] ?? this.#defaults[which], this.#latencyRandom));
  }

  /** Draws only when a fault is configured, so a run without faults consumes no random numbers. */
  #chance(probability: number): boolean {
    return probability > 0 && this.#faultRandom() < probability;
  }

  #unitsInUse(now: number): number {
    let total = 0;
    for (const versions of this.#projects.values()) {
      for (const model of versions.values()) {
        this.#settle(model, now);
        if (
          ['STARTING_HOSTING', 'HOSTED', 'SYSTEM_UPDATING', 'STOPPING_HOSTING'].includes(model.phase.status)
        ) {
          total += model.units?.min ?? 0;
        }
      }
    }
    return total;
  }

  /** Applies every transition that is due by `now`, each at its own instant. */
  #settle(model: ModelRecord, now: number): void {
    for (;;) {
      const phase = model.phase;
      if (!('until' in phase) || phase.until > now) return;
      if (phase.status === 'STARTING_HOSTING') {
        if (phase.fails) {
          model.phase = { status: 'HOSTING_FAILED', since: phase.until, message: messages.HOSTING_FAILED };
          this.#closeRun(model, phase.until, 'failed');
        } else {
          model.phase = { status: 'HOSTED', since: phase.until, message: messages.HOSTED };
        }
      } else if (phase.status === 'STOPPING_HOSTING') {
        model.phase = { status: 'TRAINED', since: phase.until, message: messages.TRAINED };
        this.#closeRun(model, phase.until, 'stopped');
      } else {
        model.phase = { status: 'HOSTED', since: phase.until, message: messages.HOSTED };
      }
    }
  }

  #find(address: ModelAddress, now: number): ModelRecord {
    validateAddress(address);
    const versions = this.#projects.get(address.projectName);
    if (!versions)
      throw notFound(address.projectName, 'PROJECT', `Project ${address.projectName} does not exist.`);
    const model =
      address.modelVersion === 'latest'
        ? [...versions.values()].sort((a, b) => Number(b.modelVersion) - Number(a.modelVersion))[0]
        : versions.get(address.modelVersion);
    if (!model) {
      throw notFound(
        address.modelVersion,
        'MODEL',
        `Model ${address.modelVersion} of project ${address.projectName} does not exist.`,
      );
    }
    this.#settle(model, now);
    return model;
  }

  #describe(model: ModelRecord): Record<string, unknown> {
    const hostingStatuses: readonly ModelStatus[] = [
      'STARTING_HOSTING',
      'HOSTED',
      'HOSTING_FAILED',
      'STOPPING_HOSTING',
      'SYSTEM_UPDATING',
    ];
    const showUnits = model.units !== undefined && hostingStatuses.includes(model.phase.status);
    return {
      ...this.#metadata(model),
      ...(showUnits && model.units ? { MinInferenceUnits: model.units.min } : {}),
      ...(showUnits && model.units?.max !== undefined ? { MaxInferenceUnits: model.units.max } : {}),
      OutputConfig: { S3Location: { Bucket: 'lookoutvision-emulator', Prefix: `${model.projectName}/` } },
    };
  }

  #metadata(model: ModelRecord): Record<string, unknown> {
    return {
      ModelVersion: model.modelVersion,
      ModelArn: model.arn,
      CreationTimestamp: model.createdAt / 1000,
      ...(model.description === undefined ? {} : { Description: model.description }),
      Status: model.phase.status,
      StatusMessage: statusMessage(model.phase),
      Performance: { F1Score: 0.95, Recall: 0.94, Precision: 0.96 },
    };
  }

  #listModels(request: Extract<ApiRequest, { api: 'ListModels' }>, now: number): Record<string, unknown> {
    if (!projectPattern.test(request.projectName)) {
      throw new ServiceError('ValidationException', `Invalid project name: ${request.projectName}`);
    }
    const pageSize = request.maxResults === undefined ? this.#listPageSize : Number(request.maxResults);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw new ServiceError('ValidationException', 'maxResults must be an integer from 1 to 100.');
    }
    const versions = this.#projects.get(request.projectName);
    if (!versions)
      throw notFound(request.projectName, 'PROJECT', `Project ${request.projectName} does not exist.`);
    const all = [...versions.values()].sort((a, b) => Number(a.modelVersion) - Number(b.modelVersion));
    const offset =
      request.nextToken === undefined ? 0 : decodeNextToken(request.nextToken, request.projectName);
    const page = all.slice(offset, offset + pageSize);
    for (const model of page) this.#settle(model, now);
    const next =
      offset + pageSize < all.length ? encodeNextToken(request.projectName, offset + pageSize) : undefined;
    return { Models: page.map((model) => this.#metadata(model)), ...(next ? { NextToken: next } : {}) };
  }

  #detect(request: Extract<ApiRequest, { api: 'DetectAnomalies' }>, now: number): Record<string, unknown> {
    const model = this.#find(request, now);
    if (model.phase.status !== 'HOSTED') {
      throw conflict(
        model,
        `Model ${model.modelVersion} is not hosted: its status is ${model.phase.status}.`,
      );
    }
    if (request.contentType !== 'image/png' && request.contentType !== 'image/jpeg') {
      throw new ServiceError('ValidationException', 'ContentType must be image/png or image/jpeg.');
    }
    if (request.body.length === 0) throw new ServiceError('ValidationException', 'Body must not be empty.');
    // A verdict derived from the image bytes: the same image always gets the same answer.
    let hash = 2166136261;
    for (const byte of request.body) hash = Math.imul(hash ^ byte, 16777619) >>> 0;
    return {
      DetectAnomalyResult: {
        Source: { Type: 'direct' },
        IsAnomalous: hash % 2 === 1,
        Confidence: 0.5 + (hash % 500) / 1000,
      },
    };
  }

  #bucket(api: ApiName): TokenBucket {
    let bucket = this.#buckets.get(api);
    if (!bucket) {
      bucket = new TokenBucket(perApi(this.#quota, api, 5), this.#monotonicNowMs);
      this.#buckets.set(api, bucket);
    }
    return bucket;
  }

  // ---------------------------------------------------------------- administration

  /** Creates a project if needed and a model version in it; replaces a version that exists. */
  seedModel(spec: SeedModel): ModelSnapshot {
    validateAddress(spec);
    if (spec.modelVersion === 'latest') throw new RangeError('a seeded model needs a numeric version');
    const now = this.clock.now().getTime();
    const versions = this.#projects.get(spec.projectName) ?? new Map<string, ModelRecord>();
    this.#projects.set(spec.projectName, versions);
    const status = spec.status ?? 'TRAINED';
    const model: ModelRecord = {
      projectName: spec.projectName,
      modelVersion: spec.modelVersion,
      arn: `arn:aws:lookoutvision:${this.#region}:${this.#accountId}:model/${spec.projectName}/${spec.modelVersion}`,
      createdAt: now,
      ...(spec.description === undefined ? {} : { description: spec.description }),
      phase: { status, since: now, message: messages[status] },
      latencies: { ...spec.latencies },
      failNextStarts: 0,
    };
    if (status === 'HOSTED') {
      const units = {
        min: spec.minInferenceUnits ?? 1,
        ...(spec.maxInferenceUnits === undefined ? {} : { max: spec.maxInferenceUnits }),
      };
      model.units = units;
      model.openRun = this.#openRun(model, units, now);
    }
    versions.set(spec.modelVersion, model);
    return this.#snapshot(model);
  }

  /** Creates an empty project, so ListModels answers an empty list rather than ResourceNotFound. */
  seedProject(projectName: string): void {
    if (!this.#projects.has(projectName)) this.#projects.set(projectName, new Map());
  }

  /** Every model, settled at the current instant, sorted by project and version. */
  models(): ModelSnapshot[] {
    const now = this.clock.now().getTime();
    return [...this.#projects.values()]
      .flatMap((versions) => [...versions.values()])
      .map((model) => {
        this.#settle(model, now);
        return this.#snapshot(model);
      })
      .sort(
        (a, b) =>
          a.projectName.localeCompare(b.projectName) || Number(a.modelVersion) - Number(b.modelVersion),
      );
  }

  /** One model settled at the current instant; throws when it does not exist. */
  model(address: ModelAddress): ModelSnapshot {
    return this.#snapshot(this.#adminFind(address));
  }

  /** Sets the latencies of one model, or the defaults of every model without its own. */
  setLatencies(latencies: Latencies, address?: ModelAddress): void {
    if (address) {
      const model = this.#adminFind(address);
      model.latencies = { ...model.latencies, ...latencies };
    } else {
      this.#defaults = { ...this.#defaults, ...latencies };
    }
  }

  /** Makes the next `count` accepted starts of a model end in HOSTING_FAILED. */
  failNextStarts(address: ModelAddress, count = 1): void {
    this.#adminFind(address).failNextStarts += count;
  }

  /** Answers the next matching requests with a chosen exception (AccessDenied, ServiceQuotaExceeded, …). */
  injectError(spec: InjectedError): void {
    this.#injected.push({ spec, left: spec.times ?? 1 });
  }

  /** Replaces the random faults. */
  setFaults(faults: RandomFaults): void {
    this.#faults = faults;
  }

  /** Replaces the per-API quota; buckets start full. */
  setQuota(requestsPerSecond: PerApi<number>): void {
    this.#quota = requestsPerSecond;
    this.#buckets.clear();
  }

  /** Puts a HOSTED model into SYSTEM_UPDATING for `durationMs`; it is HOSTED again afterwards. */
  beginSystemUpdate(address: ModelAddress, durationMs: number): ModelSnapshot {
    const model = this.#adminFind(address);
    if (model.phase.status !== 'HOSTED') {
      throw new RangeError(
        `only a HOSTED model can be updated; ${model.modelVersion} is ${model.phase.status}`,
      );
    }
    const now = this.clock.now().getTime();
    model.phase = { status: 'SYSTEM_UPDATING', since: now, until: now + durationMs };
    return this.#snapshot(model);
  }

  /** Every AWS request answered so far, oldest first. */
  callLog(): readonly CallRecord[] {
    return [...this.#calls];
  }

  /** The billing ledger at the current instant. */
  ledger(): LedgerReport {
    const at = this.clock.now();
    // Settling first closes runs whose stop completed or whose start failed before now.
    this.models();
    const runs = this.#ledger.map((run): LedgerRun => {
      const end = run.endedAt ?? at.getTime();
      return {
        ...run,
        startedAt: new Date(run.startedAt),
        endedAt: run.endedAt === null ? null : new Date(run.endedAt),
        unitMinutes: (run.minInferenceUnits * Math.max(0, end - run.startedAt)) / minute,
      };
    });
    const unitMinutesByModel: Record<string, number> = {};
    for (const run of runs) {
      const key = `${run.projectName}/${run.modelVersion}`;
      unitMinutesByModel[key] = (unitMinutesByModel[key] ?? 0) + run.unitMinutes;
    }
    const totalUnitMinutes = runs.reduce((sum, run) => sum + run.unitMinutes, 0);
    return { at, runs, unitMinutesByModel, totalUnitMinutes };
  }

  /** Forgets models, tokens, faults, the ledger and the call log; restores the options. The clock stays. */
  reset(): void {
    this.#projects.clear();
    this.#tokens.clear();
    this.#ledger = [];
    this.#calls = [];
    this.#injected = [];
    this.#buckets.clear();
    this.#faultRandom = mulberry32(this.#seed);
    this.#latencyRandom = mulberry32(this.#seed ^ 0x9e3779b9);
    this.#faults = this.options.faults ?? {};
    this.#quota = this.options.requestsPerSecond ?? 5;
    this.#defaults = {
      start: this.options.startLatency ?? 10 * minute,
      stop: this.options.stopLatency ?? 2 * minute,
    };
  }

  #adminFind(address: ModelAddress): ModelRecord {
    const model = this.#projects.get(address.projectName)?.get(address.modelVersion);
    if (!model)
      throw new RangeError(`no model ${address.projectName}/${address.modelVersion} in the emulator`);
    this.#settle(model, this.clock.now().getTime());
    return model;
  }

  #snapshot(model: ModelRecord): ModelSnapshot {
    const description = this.#describe(model);
    const phase = model.phase;
    return {
      projectName: model.projectName,
      modelVersion: model.modelVersion,
      modelArn: model.arn,
      status: phase.status,
      statusMessage: statusMessage(phase),
      createdAt: new Date(model.createdAt),
      ...(typeof description.MinInferenceUnits === 'number'
        ? { minInferenceUnits: description.MinInferenceUnits }
        : {}),
      ...(typeof description.MaxInferenceUnits === 'number'
        ? { maxInferenceUnits: description.MaxInferenceUnits }
        : {}),
      ...('until' in phase ? { transitionDueAt: new Date(phase.until) } : {}),
    };
  }
}

const statusMessage = (phase: Phase): string => ('message' in phase ? phase.message : messages[phase.status]);

const perApi = (value: PerApi<number> | undefined, api: ApiName, fallback: number): number =>
  typeof value === 'number' ? value : (value?.[api] ?? fallback);

const ok = (httpStatus: number, body: unknown): ApiResponse => ({ httpStatus, body });

const errorResponse = (error: ServiceError): ApiResponse => ({
  httpStatus: error.httpStatus,
  body: { message: error.message, ...error.fields },
  headers: {
    'x-amzn-ErrorType': error.type,
    ...(error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) }),
  },
});

// The SDK reads Retry-After as a whole number of seconds.
const throttled = (api: ApiName, message: string, retryAfterSeconds: number): ServiceError =>
  new ServiceError(
    'ThrottlingException',
    message,
    { QuotaCode: `L-${api}-TPS`, ServiceCode: 'lookoutvision' },
    retryAfterSeconds,
  );

const conflict = (model: ModelRecord, message: string): ServiceError =>
  new ServiceError('ConflictException', message, { ResourceId: model.arn, ResourceType: 'MODEL' });

const notFound = (id: string, type: 'PROJECT' | 'MODEL', message: string): ServiceError =>
  new ServiceError('ResourceNotFoundException', message, { ResourceId: id, ResourceType: type });

const injectedError = (spec: InjectedError, request: ApiRequest, retryAfterSeconds: number): ServiceError => {
  const message = spec.message ?? `Injected ${spec.error} for ${request.api}.`;
  switch (spec.error) {
    case 'ThrottlingException':
      return throttled(request.api, message, retryAfterSeconds);
    case 'ConflictException':
    case 'ResourceNotFoundException':
      return new ServiceError(spec.error, message, {
        ResourceId: 'modelVersion' in request ? request.modelVersion : request.projectName,
        ResourceType: 'modelVersion' in request ? 'MODEL' : 'PROJECT',
      });
    case 'ServiceQuotaExceededException':
      return new ServiceError(spec.error, message, {
        QuotaCode: 'L-inference-units',
        ServiceCode: 'lookoutvision',
      });
    default:
      return new ServiceError(spec.error, message);
  }
};

const validateAddress = (address: ModelAddress): void => {
  if (!projectPattern.test(address.projectName)) {
    throw new ServiceError('ValidationException', `Invalid project name: ${address.projectName}`);
  }
  if (!versionPattern.test(address.modelVersion)) {
    throw new ServiceError('ValidationException', `Invalid model version: ${address.modelVersion}`);
  }
};

const validateToken = (token: string | undefined): string | undefined => {
  if (token !== undefined && !tokenPattern.test(token)) {
    throw new ServiceError('ValidationException', 'ClientToken must be 1 to 64 characters of [a-zA-Z0-9-].');
  }
  return token;
};

const parseUnits = (body: unknown): { min: number; max?: number } => {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const min = fields.MinInferenceUnits;
  const max = fields.MaxInferenceUnits;
  if (typeof min !== 'number' || !Number.isInteger(min) || min < 1) {
    throw new ServiceError('ValidationException', 'MinInferenceUnits must be an integer of at least 1.');
  }
  if (max === undefined || max === null) return { min };
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    throw new ServiceError('ValidationException', 'MaxInferenceUnits must be an integer of at least 1.');
  }
  if (max < min) {
    throw new ServiceError(
      'ValidationException',
      'MaxInferenceUnits must not be less than MinInferenceUnits.',
    );
  }
  return { min, max };
};

// Opaque to callers like the real service's tokens, but bound to the project so a token from one
// project cannot page through another.
const encodeNextToken = (projectName: string, offset: number): string =>
  Buffer.from(JSON.stringify({ p: projectName, o: offset })).toString('base64url');

const decodeNextToken = (token: string, projectName: string): number => {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      p?: unknown;
      o?: unknown;
    };
    if (
      decoded.p === projectName &&
      typeof decoded.o === 'number' &&
      Number.isInteger(decoded.o) &&
      decoded.o >= 0
    ) {
      return decoded.o;
    }
  } catch {
    // falls through to the ValidationException below
  }
  throw new ServiceError('ValidationException', 'Invalid nextToken.');
};

/**
 * The Amazon Rekognition Custom Labels service model behind its emulator's HTTP front: projects and
 * project versions, the hosting state machine, the per-API quota, injected faults, the billing ledger
 * and the call log. It knows nothing about HTTP, so unit tests drive it directly.
 *
 * Like the Lookout for Vision engine, status is evaluated lazily against the `Clock`: a transition
 * stores when it is due and every read settles the version first, so a virtual clock may jump freely.
 * Unlike Lookout for Vision, the API has no client token: a repeated start is a ResourceInUse error.
 */
import type { Clock } from './clock.ts';
import { drawLatency, type Latency, mulberry32, type Random } from './random.ts';
import { TokenBucket } from './throttle.ts';

/** Every status a Rekognition Custom Labels project version can have. */
export type ProjectVersionStatus =
  | 'TRAINING_IN_PROGRESS'
  | 'TRAINING_COMPLETED'
  | 'TRAINING_FAILED'
  | 'STARTING'
  | 'RUNNING'
  | 'FAILED'
  | 'STOPPING'
  | 'STOPPED'
  | 'DELETING'
  | 'COPYING_IN_PROGRESS'
  | 'COPYING_COMPLETED'
  | 'COPYING_FAILED'
  | 'DEPRECATED'
  | 'EXPIRED';

/** The operations the emulator serves. */
export type RekognitionApiName = 'StartProjectVersion' | 'StopProjectVersion' | 'DescribeProjectVersions';

export const rekognitionApiNames: readonly RekognitionApiName[] = [
  'StartProjectVersion',
  'StopProjectVersion',
  'DescribeProjectVersions',
];

/** The exceptions the emulator answers with, named as the service names them. */
export type RekognitionErrorType =
  | 'AccessDeniedException'
  | 'InternalServerError'
  | 'InvalidPaginationTokenException'
  | 'InvalidParameterException'
  | 'LimitExceededException'
  | 'ProvisionedThroughputExceededException'
  | 'ResourceInUseException'
  | 'ResourceNotFoundException'
  | 'ThrottlingException';

/**
 * The HTTP status of each exception as the Rekognition API reference lists it: every client error
 * is a 400 (the JSON 1.1 protocol tells them apart by `__type`), the two server faults are 500s.
 */
export const rekognitionHttpStatusOf: Readonly<Record<RekognitionErrorType, number>> = {
  AccessDeniedException: 400,
  InternalServerError: 500,
  InvalidPaginationTokenException: 400,
  InvalidParameterException: 400,
  LimitExceededException: 400,
  ProvisionedThroughputExceededException: 400,
  ResourceInUseException: 400,
  ResourceNotFoundException: 400,
  ThrottlingException: 500,
};

/** An answer that is an exception rather than a result. */
export class RekognitionServiceError extends Error {
  override readonly name = 'RekognitionServiceError';
  readonly httpStatus: number;

  constructor(
    readonly type: RekognitionErrorType,
    message: string,
    /** Seconds for the `Retry-After` header of throttling answers. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.httpStatus = rekognitionHttpStatusOf[type];
  }
}

/** One project version, addressed by names (the ARNs follow from them and the creation instant). */
export interface VersionAddress {
  readonly projectName: string;
  readonly versionName: string;
}

/** How long starts and stops take; unset fields keep their current value. */
export interface RekognitionLatencies {
  readonly start?: Latency;
  readonly stop?: Latency;
}

/** A number for every API, or one number per API. */
export type PerRekognitionApi<T> = T | Partial<Record<RekognitionApiName, T>>;

/** Random faults, drawn from the engine's seeded generator. Probabilities are in [0, 1]. */
export interface RekognitionRandomFaults {
  readonly throttleProbability?: PerRekognitionApi<number>;
  readonly internalErrorProbability?: PerRekognitionApi<number>;
  /** Chance that an accepted start ends in FAILED instead of RUNNING. */
  readonly hostingFailureProbability?: number;
}

/** A scripted fault: the next `times` matching requests are answered with `error`. */
export interface RekognitionInjectedError {
  readonly api: RekognitionApiName;
  readonly error: RekognitionErrorType;
  /** Default 1. */
  readonly times?: number;
  /** Only requests about this project (and version, if given). */
  readonly projectName?: string;
  readonly versionName?: string;
  readonly message?: string;
}

export interface RekognitionEngineOptions {
  readonly clock: Clock;
  /** Seeds latencies and random faults; the same seed replays the same run. Default 1. */
  readonly seed?: number;
  /** Default 10 minutes. */
  readonly startLatency?: Latency;
  /** Default 2 minutes. */
  readonly stopLatency?: Latency;
  /** Per-API quota in requests per second; default 5. `Infinity` turns it off. */
  readonly requestsPerSecond?: PerRekognitionApi<number>;
  /** Page size of DescribeProjectVersions without `MaxResults`; default 100 like the service. */
  readonly defaultPageSize?: number;
  /** The most inference units all starting and running versions may hold together (LimitExceeded). */
  readonly inferenceUnitQuota?: number;
  readonly region?: string;
  readonly accountId?: string;
  readonly faults?: RekognitionRandomFaults;
  /** Monotonic milliseconds for the quota's token buckets; tests pass their own. */
  readonly monotonicNowMs?: () => number;
  /** `Retry-After` of throttling answers in whole seconds; default 1. */
  readonly retryAfterSeconds?: number;
}

/**
 * Statuses a version may be seeded in: every one. STARTING and STOPPING are seeded as transitions
 * that complete after the version's start or stop latency, like those a request begins.
 */
export type SeedableStatus = ProjectVersionStatus;

/** Statuses that hold still until a request or an administrator changes them. */
type SettledStatus = Exclude<ProjectVersionStatus, 'STARTING' | 'STOPPING'>;

/** What seeding a version may set; everything but the address has a default. */
export interface SeedProjectVersion extends VersionAddress {
  /**
   * The project's ARN when the project does not exist yet, e.g. the one a scheduler config names
   * (its project name must be `projectName`). Default: one in the engine's region and account.
   */
  readonly projectArn?: string;
  /**
   * Default TRAINING_COMPLETED. Seeding a status that holds units (STARTING, RUNNING, STOPPING) opens
   * a billing run at the current instant.
   */
  readonly status?: SeedableStatus;
  readonly minInferenceUnits?: number;
  readonly maxInferenceUnits?: number;
  readonly latencies?: RekognitionLatencies;
}

/** A project version as the emulator sees it right now. */
export interface ProjectVersionSnapshot extends VersionAddress {
  readonly projectArn: string;
  readonly projectVersionArn: string;
  readonly status: ProjectVersionStatus;
  readonly statusMessage: string;
  readonly createdAt: Date;
  readonly minInferenceUnits?: number;
  readonly maxInferenceUnits?: number;
  /** When the current transition completes, for STARTING and STOPPING. */
  readonly transitionDueAt?: Date;
}

/** One request as answered. */
export interface RekognitionCallRecord {
  readonly seq: number;
  /** The engine clock's instant (virtual under a virtual clock). */
  readonly at: Date;
  readonly api: RekognitionApiName;
  readonly projectArn?: string;
  readonly projectVersionArn?: string;
  readonly httpStatus: number;
  /** `accepted`: a start or stop that changed the version. */
  readonly outcome: 'ok' | 'accepted' | 'error';
  readonly errorType?: RekognitionErrorType;
}

/** One billed hosting run: from the accepted start until the stop completes or the start fails. */
export interface RekognitionLedgerRun extends VersionAddress {
  readonly projectVersionArn: string;
  readonly minInferenceUnits: number;
  readonly maxInferenceUnits?: number;
  readonly startedAt: Date;
  /** Null while the run is still billed. */
  readonly endedAt: Date | null;
  readonly outcome: 'running' | 'stopped' | 'failed';
  /** Minimum units × minutes, up to now for a run still billed. */
  readonly unitMinutes: number;
}

export interface RekognitionLedgerReport {
  readonly at: Date;
  readonly runs: readonly RekognitionLedgerRun[];
  /** Unit-minutes per version, keyed `project/version`. */
  readonly unitMinutesByModel: Readonly<Record<string, number>>;
  readonly totalUnitMinutes: number;
}

/** A JSON 1.1 request: the operation from `X-Amz-Target` and the parsed, not yet validated, body. */
export interface RekognitionApiRequest {
  readonly api: RekognitionApiName;
  readonly body: unknown;
}

/** What to send back: status, JSON body, extra headers. */
export interface RekognitionApiResponse {
  readonly httpStatus: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

type Phase =
  | { readonly status: SettledStatus; readonly since: number; readonly message?: string }
  | { readonly status: 'STARTING'; readonly since: number; readonly until: number; readonly fails: boolean }
  | { readonly status: 'STOPPING'; readonly since: number; readonly until: number };

interface VersionRecord {
  readonly projectName: string;
  readonly versionName: string;
  readonly arn: string;
  readonly createdAt: number;
  phase: Phase;
  units?: { readonly min: number; readonly max?: number };
  latencies: RekognitionLatencies;
  failNextStarts: number;
  openRun?: number;
}

interface ProjectRecord {
  readonly name: string;
  readonly arn: string;
  readonly versions: Map<string, VersionRecord>;
}

interface MutableRun extends VersionAddress {
  readonly projectVersionArn: string;
  readonly minInferenceUnits: number;
  readonly maxInferenceUnits?: number;
  readonly startedAt: number;
  endedAt: number | null;
  outcome: RekognitionLedgerRun['outcome'];
}

type Outcome = RekognitionCallRecord['outcome'];

const namePattern = /^[a-zA-Z0-9_.-]{1,255}$/;
const projectArnPattern =
  /^arn:aws:rekognition:([a-z0-9-]+):(\d{12}):project\/([a-zA-Z0-9_.-]{1,255})\/(\d+)$/;
const versionArnPattern =
  /^arn:aws:rekognition:([a-z0-9-]+):(\d{12}):project\/([a-zA-Z0-9_.-]{1,255})\/version\/([a-zA-Z0-9_.-]{1,255})\/(\d+)$/;
const minute = 60_000;
/** Statuses from which StartProjectVersion is accepted: a finished copy is as ready as a finished training. */
const startable: ReadonlySet<ProjectVersionStatus> = new Set([
  'TRAINING_COMPLETED',
  'COPYING_COMPLETED',
  'STOPPED',
  'FAILED',
]);
/** Statuses in which the version holds (and bills) inference units. */
const holdingUnits: ReadonlySet<ProjectVersionStatus> = new Set(['STARTING', 'RUNNING', 'STOPPING']);

const messages: Readonly<Record<ProjectVersionStatus, string>> = {
  TRAINING_IN_PROGRESS: 'The model is being trained.',
  TRAINING_COMPLETED: 'The model is trained and ready to run.',
  TRAINING_FAILED: 'The model training failed.',
  STARTING: 'The model is starting.',
  RUNNING: 'The model is running.',
  FAILED: 'The model failed to start.',
  STOPPING: 'The model is stopping.',
  STOPPED: 'The model is stopped.',
  DELETING: 'The model is being deleted.',
  COPYING_IN_PROGRESS: 'The model is being copied.',
  COPYING_COMPLETED: 'The model copy completed.',
  COPYING_FAILED: 'The model copy failed.',
  DEPRECATED: 'The model version is deprecated.',
  EXPIRED: 'The model version has expired.',
};

/** Parses a project ARN into its name; undefined when it is not one. */
export const projectNameOfArn = (arn: string): string | undefined => projectArnPattern.exec(arn)?.[3];

/** The Rekognition Custom Labels service: `handle` for AWS requests, the other methods for administration. */
export class RekognitionEngine {
  readonly clock: Clock;
  readonly #region: string;
  readonly #accountId: string;
  readonly #monotonicNowMs: () => number;
  readonly #retryAfterSeconds: number;
  readonly #seed: number;
  readonly #pageSize: number;
  readonly #inferenceUnitQuota: number;
  // Two streams, so a fault draw never shifts the latencies a run draws.
  #faultRandom: Random;
  #latencyRandom: Random;
  #defaults: { start: Latency; stop: Latency };
  #quota: PerRekognitionApi<number>;
  #buckets = new Map<RekognitionApiName, TokenBucket>();
  #faults: RekognitionRandomFaults;
  #injected: { spec: RekognitionInjectedError; left: number }[] = [];
  #projects = new Map<string, ProjectRecord>();
  #ledger: MutableRun[] = [];
  #calls: RekognitionCallRecord[] = [];

  constructor(private readonly options: RekognitionEngineOptions) {
    this.clock = options.clock;
    this.#region = options.region ?? 'us-east-1';
    this.#accountId = options.accountId ?? '123456789012';
    this.#monotonicNowMs = options.monotonicNowMs ?? (() => performance.now());
    this.#retryAfterSeconds = options.retryAfterSeconds ?? 1;
    this.#seed = options.seed ?? 1;
    this.#pageSize = options.defaultPageSize ?? 100;
    this.#inferenceUnitQuota = options.inferenceUnitQuota ?? Number.POSITIVE_INFINITY;
    this.#faultRandom = mulberry32(this.#seed);
    this.#latencyRandom = mulberry32(this.#seed ^ 0x9e3779b9);
    this.#defaults = { start: options.startLatency ?? 10 * minute, stop: options.stopLatency ?? 2 * minute };
    this.#quota = options.requestsPerSecond ?? 5;
    this.#faults = options.faults ?? {};
  }

  // ---------------------------------------------------------------- AWS requests

  /** Answers one AWS request and records it in the call log. Never throws for service errors. */
  handle(request: RekognitionApiRequest): RekognitionApiResponse {
    const at = this.clock.now();
    const fields = bodyFields(request.body);
    const projectArn = typeof fields.ProjectArn === 'string' ? fields.ProjectArn : undefined;
    const versionArn = typeof fields.ProjectVersionArn === 'string' ? fields.ProjectVersionArn : undefined;
    let response: RekognitionApiResponse;
    let outcome: Outcome;
    let errorType: RekognitionErrorType | undefined;
    try {
      this.#admit(request.api, projectArn, versionArn);
      const result = this.#dispatch(request.api, fields, at.getTime());
      response = { httpStatus: 200, body: result.body };
      outcome = result.outcome;
    } catch (error) {
      if (!(error instanceof RekognitionServiceError)) throw error;
      response = errorResponse(error);
      outcome = 'error';
      errorType = error.type;
    }
    this.#calls.push({
      seq: this.#calls.length + 1,
      at,
      api: request.api,
      ...(projectArn === undefined ? {} : { projectArn }),
      ...(versionArn === undefined ? {} : { projectVersionArn: versionArn }),
      httpStatus: response.httpStatus,
      outcome,
      ...(errorType === undefined ? {} : { errorType }),
    });
    return response;
  }

  /** The quota first, then scripted faults, then random ones. */
  #admit(api: RekognitionApiName, projectArn?: string, versionArn?: string): void {
    if (!this.#bucket(api).tryTake()) throw this.#throttled('Rate exceeded');
    const version = versionArn === undefined ? undefined : versionArnPattern.exec(versionArn);
    const projectName = version?.[3] ?? (projectArn === undefined ? undefined : projectNameOfArn(projectArn));
    const injected = this.#injected.find(
      ({ spec, left }) =>
        left > 0 &&
        spec.api === api &&
        (spec.projectName === undefined || spec.projectName === projectName) &&
        (spec.versionName === undefined || spec.versionName === version?.[4]),
    );
    if (injected) {
      injected.left -= 1;
      this.#injected = this.#injected.filter(({ left }) => left > 0);
      const message = injected.spec.message ?? `Injected ${injected.spec.error} for ${api}.`;
      throw injected.spec.error === 'ThrottlingException'
        ? this.#throttled(message)
        : new RekognitionServiceError(injected.spec.error, message);
    }
    if (this.#chance(perApi(this.#faults.throttleProbability, api, 0)))
      throw this.#throttled('Rate exceeded');
    if (this.#chance(perApi(this.#faults.internalErrorProbability, api, 0))) {
      throw new RekognitionServiceError('InternalServerError', 'Internal server error.');
    }
  }

  #dispatch(
    api: RekognitionApiName,
    fields: Record<string, unknown>,
    now: number,
  ): { body: unknown; outcome: Outcome } {
    switch (api) {
      case 'StartProjectVersion':
        return { body: this.#start(fields, now), outcome: 'accepted' };
      case 'StopProjectVersion':
        return { body: this.#stop(fields, now), outcome: 'accepted' };
      case 'DescribeProjectVersions':
        return { body: this.#describeVersions(fields, now), outcome: 'ok' };
    }
  }

  #start(fields: Record<string, unknown>, now: number): { Status: 'STARTING' } {
    const version = this.#findVersion(fields.ProjectVersionArn, now);
    const units = parseUnits(fields);
    const { status } = version.phase;
    if (!startable.has(status)) {
      throw new RekognitionServiceError(
        'ResourceInUseException',
        `The project version ${version.versionName} cannot be started while its status is ${status}.`,
      );
    }
    if (this.#unitsInUse(now) + units.min > this.#inferenceUnitQuota) {
      throw new RekognitionServiceError(
        'LimitExceededException',
        `Starting ${units.min} inference units would exceed the limit of ${this.#inferenceUnitQuota}.`,
      );
    }
    let fails = false;
    if (version.failNextStarts > 0) {
      version.failNextStarts -= 1;
      fails = true;
    } else if (this.#chance(this.#faults.hostingFailureProbability ?? 0)) {
      fails = true;
    }
    version.units = units;
    version.phase = {
      status: 'STARTING',
      since: now,
      until: now + this.#draw(version.latencies, 'start'),
      fails,
    };
    version.openRun = this.#openRun(version, units, now);
    return { Status: 'STARTING' };
  }

  #stop(fields: Record<string, unknown>, now: number): { Status: 'STOPPING' } {
    const version = this.#findVersion(fields.ProjectVersionArn, now);
    if (version.phase.status !== 'RUNNING') {
      throw new RekognitionServiceError(
        'ResourceInUseException',
        `The project version ${version.versionName} is not running: its status is ${version.phase.status}.`,
      );
    }
    version.phase = { status: 'STOPPING', since: now, until: now + this.#draw(version.latencies, 'stop') };
    return { Status: 'STOPPING' };
  }

  #describeVersions(fields: Record<string, unknown>, now: number): Record<string, unknown> {
    const project = this.#findProject(fields.ProjectArn);
    const names = fields.VersionNames;
    if (
      names !== undefined &&
      (!Array.isArray(names) ||
        names.length < 1 ||
        names.length > 10 ||
        !names.every((name) => typeof name === 'string' && namePattern.test(name)))
    ) {
      throw new RekognitionServiceError(
        'InvalidParameterException',
        'VersionNames must hold 1 to 10 version names.',
      );
    }
    const pageSize = fields.MaxResults === undefined ? this.#pageSize : fields.MaxResults;
    if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw new RekognitionServiceError('InvalidParameterException', 'MaxResults must be from 1 to 100.');
    }
    const wanted = names === undefined ? undefined : new Set(names as string[]);
    // The service lists versions from the newest to the oldest.
    const all = [...project.versions.values()]
      .filter((version) => wanted === undefined || wanted.has(version.versionName))
      .reverse();
    const offset = fields.NextToken === undefined ? 0 : decodeNextToken(fields.NextToken, project.arn);
    const page = all.slice(offset, offset + pageSize);
    for (const version of page) this.#settle(version, now);
    const next = offset + pageSize < all.length ? encodeNextToken(project.arn, offset + pageSize) : undefined;
    return {
      ProjectVersionDescriptions: page.map((version) => describe(version)),
      ...(next === undefined ? {} : { NextToken: next }),
    };
  }

  #findProject(arn: unknown): ProjectRecord {
    if (typeof arn !== 'string' || !projectArnPattern.test(arn)) {
      throw new RekognitionServiceError('InvalidParameterException', `Invalid ProjectArn: ${String(arn)}`);
    }
    const project = this.#projects.get(projectNameOfArn(arn) ?? '');
    if (!project || project.arn !== arn) {
      throw new RekognitionServiceError('ResourceNotFoundException', `The project ${arn} does not exist.`);
    }
    return project;
  }

  #findVersion(arn: unknown, now: number): VersionRecord {
    const match = typeof arn === 'string' ? versionArnPattern.exec(arn) : null;
    if (!match?.[3] || !match[4]) {
      throw new RekognitionServiceError(
        'InvalidParameterException',
        `Invalid ProjectVersionArn: ${String(arn)}`,
      );
    }
    const version = this.#projects.get(match[3])?.versions.get(match[4]);
    if (!version || version.arn !== arn) {
      throw new RekognitionServiceError(
        'ResourceNotFoundException',
        `The project version ${String(arn)} does not exist.`,
      );
    }
    this.#settle(version, now);
    return version;
  }

  #throttled(message: string): RekognitionServiceError {
    return new RekognitionServiceError('ThrottlingException', message, this.#retryAfterSeconds);
  }

  #bucket(api: RekognitionApiName): TokenBucket {
    let bucket = this.#buckets.get(api);
    if (!bucket) {
      bucket = new TokenBucket(perApi(this.#quota, api, 5), this.#monotonicNowMs);
      this.#buckets.set(api, bucket);
    }
    return bucket;
  }

  #openRun(version: VersionRecord, units: { min: number; max?: number }, now: number): number {
    this.#ledger.push({
      projectName: version.projectName,
      versionName: version.versionName,
      projectVersionArn: version.arn,
      minInferenceUnits: units.min,
      ...(units.max === undefined ? {} : { maxInferenceUnits: units.max }),
      startedAt: now,
      endedAt: null,
      outcome: 'running',
    });
    return this.#ledger.length - 1;
  }

  #closeRun(version: VersionRecord, at: number, outcome: 'stopped' | 'failed'): void {
    const run = version.openRun === undefined ? undefined : this.#ledger[version.openRun];
    if (run) {
      run.endedAt = at;
      run.outcome = outcome;
    }
    delete version.openRun;
  }

  #draw(latencies: RekognitionLatencies, which: 'start' | 'stop'): number {
    return Math.max(0, drawLatency(latencies[which] ?? this.#defaults[which], this.#latencyRandom));
  }

  /** Draws only when a fault is configured, so a run without faults consumes no random numbers. */
  #chance(probability: number): boolean {
    return probability > 0 && this.#faultRandom() < probability;
  }

  #unitsInUse(now: number): number {
    let total = 0;
    for (const version of this.#allVersions()) {
      this.#settle(version, now);
      if (holdingUnits.has(version.phase.status)) total += version.units?.min ?? 0;
    }
    return total;
  }

  /** Applies every transition that is due by `now`, each at its own instant. */
  #settle(version: VersionRecord, now: number): void {
    const phase = version.phase;
    if (!('until' in phase) || phase.until > now) return;
    if (phase.status === 'STOPPING') {
      version.phase = { status: 'STOPPED', since: phase.until };
      this.#closeRun(version, phase.until, 'stopped');
    } else if (phase.fails) {
      version.phase = { status: 'FAILED', since: phase.until };
      this.#closeRun(version, phase.until, 'failed');
    } else {
      version.phase = { status: 'RUNNING', since: phase.until };
    }
  }

  #allVersions(): VersionRecord[] {
    return [...this.#projects.values()].flatMap((project) => [...project.versions.values()]);
  }

  // ---------------------------------------------------------------- administration

  /**
   * Creates a project if it does not exist yet and returns its ARN: `arn` when given (it must name
   * `projectName`), otherwise one in the engine's region and account.
   */
  seedProject(projectName: string, arn?: string): string {
    if (!namePattern.test(projectName)) throw new RangeError(`invalid project name: ${projectName}`);
    if (arn !== undefined && projectNameOfArn(arn) !== projectName)
      throw new RangeError(`${arn} is not a project ARN of ${projectName}`);
    let project = this.#projects.get(projectName);
    if (project && arn !== undefined && project.arn !== arn)
      throw new RangeError(`project ${projectName} already exists as ${project.arn}`);
    if (!project) {
      arn ??= `arn:aws:rekognition:${this.#region}:${this.#accountId}:project/${projectName}/${this.clock.now().getTime()}`;
      project = { name: projectName, arn, versions: new Map() };
      this.#projects.set(projectName, project);
    }
    return project.arn;
  }

  /** Creates the project if needed and a version in it; replaces a version of the same name. */
  seedModel(spec: SeedProjectVersion): ProjectVersionSnapshot {
    if (!namePattern.test(spec.versionName))
      throw new RangeError(`invalid version name: ${spec.versionName}`);
    this.seedProject(spec.projectName, spec.projectArn);
    const project = this.#projects.get(spec.projectName) as ProjectRecord;
    const now = this.clock.now().getTime();
    const status = spec.status ?? 'TRAINING_COMPLETED';
    const latencies = { ...spec.latencies };
    const version: VersionRecord = {
      projectName: spec.projectName,
      versionName: spec.versionName,
      // In the project's region and account: `…:project/NAME/version/VERSION/TIMESTAMP`.
      arn: `${project.arn.replace(/\/\d+$/, '')}/version/${spec.versionName}/${now}`,
      createdAt: now,
      phase:
        status === 'STARTING'
          ? { status, since: now, until: now + this.#draw(latencies, 'start'), fails: false }
          : status === 'STOPPING'
            ? { status, since: now, until: now + this.#draw(latencies, 'stop') }
            : { status, since: now },
      latencies,
      failNextStarts: 0,
    };
    if (holdingUnits.has(status)) {
      const units = {
        min: spec.minInferenceUnits ?? 1,
        ...(spec.maxInferenceUnits === undefined ? {} : { max: spec.maxInferenceUnits }),
      };
      version.units = units;
      version.openRun = this.#openRun(version, units, now);
    }
    project.versions.delete(spec.versionName);
    project.versions.set(spec.versionName, version);
    return snapshot(version, project.arn);
  }

  /** Every version, settled at the current instant, sorted by project and version name. */
  models(): ProjectVersionSnapshot[] {
    const now = this.clock.now().getTime();
    return [...this.#projects.values()]
      .flatMap((project) =>
        [...project.versions.values()].map((version) => {
          this.#settle(version, now);
          return snapshot(version, project.arn);
        }),
      )
      .sort(
        (a, b) => a.projectName.localeCompare(b.projectName) || a.versionName.localeCompare(b.versionName),
      );
  }

  /** One version settled at the current instant; throws when it does not exist. */
  model(address: VersionAddress): ProjectVersionSnapshot {
    const version = this.#adminFind(address);
    return snapshot(version, (this.#projects.get(address.projectName) as ProjectRecord).arn);
  }

  /** Sets the latencies of one version, or the defaults of every version without its own. */
  setLatencies(latencies: RekognitionLatencies, address?: VersionAddress): void {
    if (address) {
      const version = this.#adminFind(address);
      version.latencies = { ...version.latencies, ...latencies };
    } else {
      this.#defaults = { ...this.#defaults, ...latencies };
    }
  }

  /** Makes the next `count` accepted starts of a version end in FAILED. */
  failNextStarts(address: VersionAddress, count = 1): void {
    this.#adminFind(address).failNextStarts += count;
  }

  /** Answers the next matching requests with a chosen exception (AccessDenied, LimitExceeded, …). */
  injectError(spec: RekognitionInjectedError): void {
    this.#injected.push({ spec, left: spec.times ?? 1 });
  }

  /** Replaces the random faults. */
  setFaults(faults: RekognitionRandomFaults): void {
    this.#faults = faults;
  }

  /** Replaces the per-API quota; buckets start full. */
  setQuota(requestsPerSecond: PerRekognitionApi<number>): void {
    this.#quota = requestsPerSecond;
    this.#buckets.clear();
  }

  /** Every AWS request answered so far, oldest first. */
  callLog(): readonly RekognitionCallRecord[] {
    return [...this.#calls];
  }

  /** The billing ledger at the current instant. */
  ledger(): RekognitionLedgerReport {
    const at = this.clock.now();
    // Settling first closes runs whose stop completed or whose start failed before now.
    this.models();
    const runs = this.#ledger.map((run): RekognitionLedgerRun => {
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
      const key = `${run.projectName}/${run.versionName}`;
      unitMinutesByModel[key] = (unitMinutesByModel[key] ?? 0) + run.unitMinutes;
    }
    const totalUnitMinutes = runs.reduce((sum, run) => sum + run.unitMinutes, 0);
    return { at, runs, unitMinutesByModel, totalUnitMinutes };
  }

  /** Forgets projects, faults, the ledger and the call log; restores the options. The clock stays. */
  reset(): void {
    this.#projects.clear();
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

  #adminFind(address: VersionAddress): VersionRecord {
    const version = this.#projects.get(address.projectName)?.versions.get(address.versionName);
    if (!version) {
      throw new RangeError(
        `no project version ${address.projectName}/${address.versionName} in the emulator`,
      );
    }
    this.#settle(version, this.clock.now().getTime());
    return version;
  }
}

const describe = (version: VersionRecord): Record<string, unknown> => {
  const showUnits = version.units !== undefined && version.phase.status !== 'TRAINING_COMPLETED';
  return {
    ProjectVersionArn: version.arn,
    CreationTimestamp: version.createdAt / 1000,
    Status: version.phase.status,
    StatusMessage: statusMessage(version.phase),
    ...(showUnits && version.units ? { MinInferenceUnits: version.units.min } : {}),
    ...(showUnits && version.units?.max !== undefined ? { MaxInferenceUnits: version.units.max } : {}),
    Feature: 'CUSTOM_LABELS',
  };
};

const snapshot = (version: VersionRecord, projectArn: string): ProjectVersionSnapshot => {
  const description = describe(version);
  const phase = version.phase;
  return {
    projectName: version.projectName,
    versionName: version.versionName,
    projectArn,
    projectVersionArn: version.arn,
    status: phase.status,
    statusMessage: statusMessage(phase),
    createdAt: new Date(version.createdAt),
    ...(typeof description.MinInferenceUnits === 'number'
      ? { minInferenceUnits: description.MinInferenceUnits }
      : {}),
    ...(typeof description.MaxInferenceUnits === 'number'
      ? { maxInferenceUnits: description.MaxInferenceUnits }
      : {}),
    ...('until' in phase ? { transitionDueAt: new Date(phase.until) } : {}),
  };
};

const statusMessage = (phase: Phase): string =>
  ('message' in phase && phase.message) || messages[phase.status];

const perApi = (
  value: PerRekognitionApi<number> | undefined,
  api: RekognitionApiName,
  fallback: number,
): number => (typeof value === 'number' ? value : (value?.[api] ?? fallback));

const bodyFields = (body: unknown): Record<string, unknown> =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

/** The JSON 1.1 error shape: `__type` names the exception; `Message` and `Code` as the service sends them. */
const errorResponse = (error: RekognitionServiceError): RekognitionApiResponse => ({
  httpStatus: error.httpStatus,
  body: { __type: error.type, Code: error.type, Message: error.message, message: error.message },
  ...(error.retryAfterSeconds === undefined
    ? {}
    : { headers: { 'Retry-After': String(error.retryAfterSeconds) } }),
});

const parseUnits = (fields: Record<string, unknown>): { min: number; max?: number } => {
  const min = fields.MinInferenceUnits;
  const max = fields.MaxInferenceUnits;
  if (typeof min !== 'number' || !Number.isInteger(min) || min < 1) {
    throw new RekognitionServiceError(
      'InvalidParameterException',
      'MinInferenceUnits must be an integer of at least 1.',
    );
  }
  if (max === undefined || max === null) return { min };
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
    throw new RekognitionServiceError(
      'InvalidParameterException',
      'MaxInferenceUnits must be an integer of at least 1.',
    );
  }
  if (max < min) {
    throw new RekognitionServiceError(
      'InvalidParameterException',
      'MaxInferenceUnits must not be less than MinInferenceUnits.',
    );
  }
  return { min, max };
};

// Opaque like the service's tokens, but bound to the project so a token cannot page another one.
const encodeNextToken = (projectArn: string, offset: number): string =>
  Buffer.from(JSON.stringify({ p: projectArn, o: offset })).toString('base64url');

const decodeNextToken = (token: unknown, projectArn: string): number => {
  try {
    const decoded = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as {
      p?: unknown;
      o?: unknown;
    };
    if (
      decoded.p === projectArn &&
      typeof decoded.o === 'number' &&
      Number.isInteger(decoded.o) &&
      decoded.o >= 0
    ) {
      return decoded.o;
    }
  } catch {
    // falls through to the exception below
  }
  throw new RekognitionServiceError('InvalidPaginationTokenException', 'Invalid NextToken.');
};

/**
 * The Amazon Rekognition Custom Labels service on the emulator kernel: projects and project
 * versions, their statuses, the service's exceptions and the JSON 1.1 answers of its three hosting
 * operations. The kernel supplies the clock, quota, faults, call log, ledger and state machine.
 * Unlike Lookout for Vision, the API has no client token: a repeated start is a ResourceInUse error.
 */
import type { AdminResponse, EmulatorEngine } from '../../../emulator/engine.ts';
import type { InjectedError, RandomFaults } from '../../../emulator/faults.ts';
import {
  type CallOutcome,
  type CallRecord,
  EmulatorKernel,
  type HostedModel,
  type HostingSnapshot,
  hostingSnapshot,
  type KernelOptions,
  type Latencies,
  type Phase,
} from '../../../emulator/kernel.ts';
import type { LedgerReport, LedgerRun } from '../../../emulator/ledger.ts';
import type { PerApi } from '../../../emulator/quota.ts';
import { decodeNextToken, encodeNextToken, parseUnits } from '../../../emulator/requests.ts';
import { awsJson11, type WireRequest, type WireResponse } from '../../../emulator/wire.ts';
import { rekognitionAdminRoute, rekognitionRequestOf, type SeedProjectVersion } from './routes.ts';
import {
  faultErrors,
  invalidParameter,
  namePattern,
  type ProjectVersionStatus,
  projectNameOfArn,
  type RekognitionApiName,
  type RekognitionApiRequest,
  type RekognitionErrorType,
  rekognitionApiNames,
  rekognitionError,
  rekognitionErrorTypes,
  type VersionAddress,
  versionOfArn,
} from './wire.ts';

export type { SeedProjectVersion } from './routes.ts';
export {
  type ProjectVersionStatus,
  projectNameOfArn,
  type RekognitionApiName,
  type RekognitionApiRequest,
  rekognitionApiNames,
  type VersionAddress,
} from './wire.ts';

export interface RekognitionEngineOptions extends KernelOptions<RekognitionApiName> {}

/** A scripted fault of Rekognition, narrowed to a project (and version) if given. */
export type RekognitionInjectedError = InjectedError<
  RekognitionApiName,
  RekognitionErrorType,
  VersionAddress
>;

/** A project version as the emulator sees it right now. */
export interface ProjectVersionSnapshot extends VersionAddress, HostingSnapshot<ProjectVersionStatus> {
  readonly projectArn: string;
  readonly projectVersionArn: string;
}

/** What the call log keeps of a request besides its API. */
export interface RekognitionCallFields {
  readonly projectArn?: string;
  readonly projectVersionArn?: string;
}

/** A billed run names the version by names and ARN. */
export interface RekognitionBilled extends VersionAddress {
  readonly projectVersionArn: string;
}

export type RekognitionCallRecord = CallRecord<RekognitionApiName, RekognitionCallFields>;
export type RekognitionLedgerRun = LedgerRun<RekognitionBilled>;
export type RekognitionLedgerReport = LedgerReport<RekognitionBilled>;

interface VersionRecord extends HostedModel<ProjectVersionStatus>, VersionAddress {
  readonly arn: string;
  readonly createdAt: number;
}

interface ProjectRecord {
  readonly name: string;
  readonly arn: string;
  readonly versions: Map<string, VersionRecord>;
}

type Answer = { readonly response: WireResponse; readonly outcome: CallOutcome };

/** Statuses from which StartProjectVersion is accepted: a finished copy is as ready as a finished training. */
const startable: ReadonlySet<ProjectVersionStatus> = new Set([
  'TRAINING_COMPLETED',
  'COPYING_COMPLETED',
  'STOPPED',
  'FAILED',
]);
/** Statuses in which the version holds (and bills) inference units. */
const holdingUnits: ReadonlySet<ProjectVersionStatus> = new Set(['STARTING', 'RUNNING', 'STOPPING']);
const starting = { starting: 'STARTING', hosted: 'RUNNING', failed: 'FAILED' } as const;
const stopping = { stopping: 'STOPPING', stopped: 'STOPPED' } as const;

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

/** The Rekognition Custom Labels service: `handle` for AWS requests, the other methods for administration. */
export class RekognitionEngine implements EmulatorEngine {
  readonly service = 'rekognition';
  readonly protocol = awsJson11;
  readonly apiNames = rekognitionApiNames;
  readonly errorTypes = rekognitionErrorTypes;
  readonly addressKeys = ['projectName', 'versionName'] as const;
  readonly clock;
  readonly #kernel: EmulatorKernel<
    RekognitionApiName,
    RekognitionErrorType,
    RekognitionBilled,
    RekognitionCallFields
  >;
  #projects = new Map<string, ProjectRecord>();

  constructor(options: RekognitionEngineOptions) {
    this.#kernel = new EmulatorKernel(options, awsJson11, faultErrors);
    this.clock = options.clock;
  }

  // ---------------------------------------------------------------- AWS requests

  /** Answers a request whose `X-Amz-Target` names RekognitionService; undefined for any other. */
  serve(request: WireRequest): WireResponse | undefined {
    const decoded = rekognitionRequestOf(request);
    return decoded === undefined || 'httpStatus' in decoded ? decoded : this.handle(decoded);
  }

  /** Answers one AWS request and records it in the call log. Never throws for service errors. */
  handle(request: RekognitionApiRequest): WireResponse {
    const fields = bodyFields(request.body);
    const projectArn = typeof fields.ProjectArn === 'string' ? fields.ProjectArn : undefined;
    const versionArn = typeof fields.ProjectVersionArn === 'string' ? fields.ProjectVersionArn : undefined;
    const version = versionOfArn(versionArn);
    return this.#kernel.answer(
      {
        api: request.api,
        scope: {
          projectName:
            version?.projectName ?? (projectArn === undefined ? undefined : projectNameOfArn(projectArn)),
          versionName: version?.versionName,
        },
        fields: {
          ...(projectArn === undefined ? {} : { projectArn }),
          ...(versionArn === undefined ? {} : { projectVersionArn: versionArn }),
        },
      },
      (now) => this.#dispatch(request.api, fields, now),
    );
  }

  #dispatch(api: RekognitionApiName, fields: Record<string, unknown>, now: number): Answer {
    switch (api) {
      case 'StartProjectVersion':
        return answer(this.#start(fields, now), 'accepted');
      case 'StopProjectVersion':
        return answer(this.#stop(fields, now), 'accepted');
      case 'DescribeProjectVersions':
        return answer(this.#describeVersions(fields, now), 'ok');
      case 'DescribeProjects':
        return answer(this.#describeProjects(fields), 'ok');
    }
  }

  /** The projects, newest first, filtered by `ProjectNames` (at most 10), paginated. */
  #describeProjects(fields: Record<string, unknown>): Record<string, unknown> {
    const names = fields.ProjectNames;
    if (
      names !== undefined &&
      (!Array.isArray(names) ||
        names.length < 1 ||
        names.length > 10 ||
        !names.every((name) => typeof name === 'string' && namePattern.test(name)))
    ) {
      throw invalidParameter('ProjectNames must hold 1 to 10 project names.');
    }
    const pageSize = fields.MaxResults === undefined ? this.#kernel.pageSize : fields.MaxResults;
    if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw invalidParameter('MaxResults must be from 1 to 100.');
    }
    const wanted = names === undefined ? undefined : new Set(names as string[]);
    const all = [...this.#projects.values()]
      .filter((project) => wanted === undefined || wanted.has(project.name))
      .reverse();
    const offset =
      fields.NextToken === undefined
        ? 0
        : decodeNextToken(fields.NextToken, 'projects', () =>
            rekognitionError('InvalidPaginationTokenException', 'Invalid NextToken.'),
          );
    const page = all.slice(offset, offset + pageSize);
    const next = offset + pageSize < all.length ? encodeNextToken('projects', offset + pageSize) : undefined;
    return {
      ProjectDescriptions: page.map((project) => ({
        ProjectArn: project.arn,
        // The ARN ends in the project's creation instant in milliseconds.
        CreationTimestamp: Number(/\/(\d+)$/.exec(project.arn)?.[1] ?? 0) / 1000,
        Status: 'CREATED',
        Feature: 'CUSTOM_LABELS',
      })),
      ...(next === undefined ? {} : { NextToken: next }),
    };
  }

  #start(fields: Record<string, unknown>, now: number): { Status: 'STARTING' } {
    const version = this.#findVersion(fields.ProjectVersionArn, now);
    const units = parseUnits(fields, invalidParameter);
    const { status } = version.phase;
    if (!startable.has(status)) {
      throw rekognitionError(
        'ResourceInUseException',
        `The project version ${version.versionName} cannot be started while its status is ${status}.`,
      );
    }
    const quota = this.#kernel.inferenceUnitQuota;
    if (this.#kernel.unitsInUse(this.#allVersions(), holdingUnits, now) + units.min > quota) {
      throw rekognitionError(
        'LimitExceededException',
        `Starting ${units.min} inference units would exceed the limit of ${quota}.`,
      );
    }
    this.#kernel.beginStart(version, billedOf(version), units, now, starting);
    return { Status: 'STARTING' };
  }

  #stop(fields: Record<string, unknown>, now: number): { Status: 'STOPPING' } {
    const version = this.#findVersion(fields.ProjectVersionArn, now);
    if (version.phase.status !== 'RUNNING') {
      throw rekognitionError(
        'ResourceInUseException',
        `The project version ${version.versionName} is not running: its status is ${version.phase.status}.`,
      );
    }
    this.#kernel.beginStop(version, now, stopping);
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
      throw invalidParameter('VersionNames must hold 1 to 10 version names.');
    }
    const pageSize = fields.MaxResults === undefined ? this.#kernel.pageSize : fields.MaxResults;
    if (typeof pageSize !== 'number' || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw invalidParameter('MaxResults must be from 1 to 100.');
    }
    const wanted = names === undefined ? undefined : new Set(names as string[]);
    // The service lists versions from the newest to the oldest.
    const all = [...project.versions.values()]
      .filter((version) => wanted === undefined || wanted.has(version.versionName))
      .reverse();
    const offset =
      fields.NextToken === undefined
        ? 0
        : decodeNextToken(fields.NextToken, project.arn, () =>
            rekognitionError('InvalidPaginationTokenException', 'Invalid NextToken.'),
          );
    const page = all.slice(offset, offset + pageSize);
    for (const version of page) this.#kernel.settle(version, now);
    const next = offset + pageSize < all.length ? encodeNextToken(project.arn, offset + pageSize) : undefined;
    return {
      ProjectVersionDescriptions: page.map((version) => describe(version)),
      ...(next === undefined ? {} : { NextToken: next }),
    };
  }

  #findProject(arn: unknown): ProjectRecord {
    const name = typeof arn === 'string' ? projectNameOfArn(arn) : undefined;
    if (name === undefined) throw invalidParameter(`Invalid ProjectArn: ${String(arn)}`);
    const project = this.#projects.get(name);
    if (!project || project.arn !== arn) {
      throw rekognitionError('ResourceNotFoundException', `The project ${String(arn)} does not exist.`);
    }
    return project;
  }

  #findVersion(arn: unknown, now: number): VersionRecord {
    const address = versionOfArn(arn);
    if (!address) throw invalidParameter(`Invalid ProjectVersionArn: ${String(arn)}`);
    const version = this.#projects.get(address.projectName)?.versions.get(address.versionName);
    if (!version || version.arn !== arn) {
      throw rekognitionError(
        'ResourceNotFoundException',
        `The project version ${String(arn)} does not exist.`,
      );
    }
    this.#kernel.settle(version, now);
    return version;
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
      const { region, accountId } = this.#kernel;
      arn ??= `arn:aws:rekognition:${region}:${accountId}:project/${projectName}/${this.clock.now().getTime()}`;
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
    const phase: Phase<ProjectVersionStatus> =
      status === 'STARTING'
        ? { status, until: now + this.#kernel.draw(latencies, 'start'), becomes: 'RUNNING' }
        : status === 'STOPPING'
          ? {
              status,
              until: now + this.#kernel.draw(latencies, 'stop'),
              becomes: 'STOPPED',
              closes: 'stopped',
            }
          : { status };
    const version: VersionRecord = {
      projectName: spec.projectName,
      versionName: spec.versionName,
      // In the project's region and account: `…:project/NAME/version/VERSION/TIMESTAMP`.
      arn: `${project.arn.replace(/\/\d+$/, '')}/version/${spec.versionName}/${now}`,
      createdAt: now,
      phase,
      latencies,
      failNextStarts: 0,
    };
    if (holdingUnits.has(status)) {
      this.#kernel.bill(
        version,
        billedOf(version),
        {
          min: spec.minInferenceUnits ?? 1,
          ...(spec.maxInferenceUnits === undefined ? {} : { max: spec.maxInferenceUnits }),
        },
        now,
      );
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
          this.#kernel.settle(version, now);
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
  setLatencies(latencies: Latencies, address?: VersionAddress): void {
    if (address) {
      const version = this.#adminFind(address);
      version.latencies = { ...version.latencies, ...latencies };
    } else {
      this.#kernel.setDefaultLatencies(latencies);
    }
  }

  /** Makes the next `count` accepted starts of a version end in FAILED. */
  failNextStarts(address: VersionAddress, count = 1): void {
    this.#adminFind(address).failNextStarts += count;
  }

  /** Answers the next matching requests with a chosen exception (AccessDenied, LimitExceeded, …). */
  injectError(spec: RekognitionInjectedError): void {
    this.#kernel.injectError(spec);
  }

  /** Replaces the random faults. */
  setFaults(faults: RandomFaults<RekognitionApiName>): void {
    this.#kernel.setFaults(faults);
  }

  /** Replaces the per-API quota; buckets start full. */
  setQuota(requestsPerSecond: PerApi<RekognitionApiName, number>): void {
    this.#kernel.setQuota(requestsPerSecond);
  }

  /** Every AWS request answered so far, oldest first. */
  callLog(): readonly RekognitionCallRecord[] {
    return this.#kernel.callLog();
  }

  /** The billing ledger at the current instant. */
  ledger(): RekognitionLedgerReport {
    // Settling first closes runs whose stop completed or whose start failed before now.
    this.models();
    return this.#kernel.ledger((run) => `${run.projectName}/${run.versionName}`);
  }

  /** Forgets projects, faults, the ledger and the call log; restores the options. The clock stays. */
  reset(): void {
    this.#projects.clear();
    this.#kernel.reset();
  }

  /** Seeding and fail-next-starts over the admin API. */
  adminRoute(route: string, body: unknown): AdminResponse | undefined {
    return rekognitionAdminRoute(this, route, body);
  }

  #adminFind(address: VersionAddress): VersionRecord {
    const version = this.#projects.get(address.projectName)?.versions.get(address.versionName);
    if (!version) {
      throw new RangeError(
        `no project version ${address.projectName}/${address.versionName} in the emulator`,
      );
    }
    this.#kernel.settle(version, this.clock.now().getTime());
    return version;
  }
}

const answer = (body: unknown, outcome: CallOutcome): Answer => ({
  response: { httpStatus: 200, body },
  outcome,
});

const billedOf = (version: VersionRecord): RekognitionBilled => ({
  projectName: version.projectName,
  versionName: version.versionName,
  projectVersionArn: version.arn,
});

/** The service shows the units of the last start in every status but a fresh TRAINING_COMPLETED. */
const showsUnits = (version: VersionRecord): boolean =>
  version.units !== undefined && version.phase.status !== 'TRAINING_COMPLETED';

const describe = (version: VersionRecord): Record<string, unknown> => {
  const showUnits = showsUnits(version);
  return {
    ProjectVersionArn: version.arn,
    CreationTimestamp: version.createdAt / 1000,
    Status: version.phase.status,
    StatusMessage: messages[version.phase.status],
    ...(showUnits && version.units ? { MinInferenceUnits: version.units.min } : {}),
    ...(showUnits && version.units?.max !== undefined ? { MaxInferenceUnits: version.units.max } : {}),
    Feature: 'CUSTOM_LABELS',
  };
};

const snapshot = (version: VersionRecord, projectArn: string): ProjectVersionSnapshot => ({
  projectName: version.projectName,
  versionName: version.versionName,
  projectArn,
  projectVersionArn: version.arn,
  ...hostingSnapshot(version, messages[version.phase.status], showsUnits(version)),
});

const bodyFields = (body: unknown): Record<string, unknown> =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

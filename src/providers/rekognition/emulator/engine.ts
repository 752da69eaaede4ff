/**
 * The Amazon Rekognition Custom Labels service on the emulator kernel: projects and project
 * versions, their statuses, the service's exceptions and the JSON 1.1 answers of its three hosting
 * operations. The kernel supplies the clock, quota, faults, call log, ledger and state machine; the
 * shared `HostingEngine` the administration every engine offers.
 * Unlike Lookout for Vision, the API has no client token: a repeated start is a ResourceInUse error.
 */
import type { AdminResponse } from '../../../emulator/engine.ts';
import { HostingEngine } from '../../../emulator/hosting-engine.ts';
import {
  type Answer,
  answer,
  type HostedModel,
  type HostingSnapshot,
  hostingSnapshot,
  type KernelOptions,
  type Phase,
  seededUnits,
  wireUnits,
} from '../../../emulator/kernel.ts';
import { bodyFields, parseUnits } from '../../../emulator/requests.ts';
import type { WireRequest, WireResponse } from '../../../emulator/wire.ts';
import {
  rekognitionAdminRoute,
  rekognitionRequestOf,
  type SeedProjectVersion,
  seedVersionBody,
} from './routes.ts';
import {
  invalidParameter,
  namePattern,
  type ProjectVersionStatus,
  projectNameOfArn,
  type RekognitionApiName,
  type RekognitionApiRequest,
  type RekognitionErrorType,
  rekognitionError,
  rekognitionService,
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

interface VersionRecord extends HostedModel<ProjectVersionStatus>, VersionAddress {
  readonly arn: string;
  readonly projectArn: string;
  readonly createdAt: number;
}

interface ProjectRecord {
  readonly name: string;
  readonly arn: string;
  readonly versions: Map<string, VersionRecord>;
}

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

/** The Rekognition Custom Labels service: `handle` for AWS requests, the other methods (its own and the shared ones) for administration. */
export class RekognitionEngine extends HostingEngine<{
  api: RekognitionApiName;
  errorType: RekognitionErrorType;
  address: VersionAddress;
  record: VersionRecord;
  snapshot: ProjectVersionSnapshot;
  billed: RekognitionBilled;
  fields: RekognitionCallFields;
  seed: SeedProjectVersion;
  request: RekognitionApiRequest;
}> {
  readonly seedSchema = seedVersionBody;
  #projects = new Map<string, ProjectRecord>();

  constructor(options: RekognitionEngineOptions) {
    super(options, rekognitionService);
  }

  // ---------------------------------------------------------------- AWS requests

  /** A request whose `X-Amz-Target` names RekognitionService; undefined for any other. */
  protected decode(request: WireRequest): RekognitionApiRequest | WireResponse | undefined {
    return rekognitionRequestOf(request);
  }

  handle(request: RekognitionApiRequest): WireResponse {
    const fields = bodyFields(request.body);
    const projectArn = typeof fields.ProjectArn === 'string' ? fields.ProjectArn : undefined;
    const versionArn = typeof fields.ProjectVersionArn === 'string' ? fields.ProjectVersionArn : undefined;
    const version = versionOfArn(versionArn);
    return this.kernel.answer(
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
    const wanted = namesFilter(fields.ProjectNames, 'ProjectNames', 'project');
    const all = [...this.#projects.values()]
      .filter((project) => wanted === undefined || wanted.has(project.name))
      .reverse();
    return this.kernel.pageOf(all, {
      listing: 'projects',
      token: fields.NextToken,
      pageSize: this.#pageSize(fields.MaxResults),
      field: 'ProjectDescriptions',
      describe: (project) => ({
        ProjectArn: project.arn,
        // The ARN ends in the project's creation instant in milliseconds.
        CreationTimestamp: Number(/\/(\d+)$/.exec(project.arn)?.[1] ?? 0) / 1000,
        Status: 'CREATED',
        Feature: 'CUSTOM_LABELS',
      }),
      invalidToken: () => rekognitionError('InvalidPaginationTokenException', 'Invalid NextToken.'),
    });
  }

  #pageSize(maxResults: unknown): number {
    return this.kernel.pageSizeOf(maxResults, () => invalidParameter('MaxResults must be from 1 to 100.'));
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
    this.kernel.admitUnits(this.records(), holdingUnits, units, now, (quota) =>
      rekognitionError(
        'LimitExceededException',
        `Starting ${units.min} inference units would exceed the limit of ${quota}.`,
      ),
    );
    this.kernel.beginStart(version, billedOf(version), units, now, starting);
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
    this.kernel.beginStop(version, now, stopping);
    return { Status: 'STOPPING' };
  }

  #describeVersions(fields: Record<string, unknown>, now: number): Record<string, unknown> {
    const project = this.#findProject(fields.ProjectArn);
    const wanted = namesFilter(fields.VersionNames, 'VersionNames', 'version');
    // The service lists versions from the newest to the oldest.
    const all = [...project.versions.values()]
      .filter((version) => wanted === undefined || wanted.has(version.versionName))
      .reverse();
    return this.kernel.page(
      all,
      {
        listing: project.arn,
        token: fields.NextToken,
        pageSize: this.#pageSize(fields.MaxResults),
        field: 'ProjectVersionDescriptions',
        describe,
        invalidToken: () => rekognitionError('InvalidPaginationTokenException', 'Invalid NextToken.'),
      },
      now,
    );
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
    this.kernel.settle(version, now);
    return version;
  }

  protected records(): VersionRecord[] {
    return [...this.#projects.values()].flatMap((project) => [...project.versions.values()]);
  }

  protected lookup(address: VersionAddress): VersionRecord | undefined {
    return this.#projects.get(address.projectName)?.versions.get(address.versionName);
  }

  protected snapshot(version: VersionRecord): ProjectVersionSnapshot {
    return {
      projectName: version.projectName,
      versionName: version.versionName,
      projectArn: version.projectArn,
      projectVersionArn: version.arn,
      ...hostingSnapshot(version, messages[version.phase.status], showsUnits(version)),
    };
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
      const { region, accountId } = this.kernel;
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
    const phase: Phase<ProjectVersionStatus> = this.kernel.seededPhase(
      status,
      latencies,
      now,
      starting,
      stopping,
    );
    const version: VersionRecord = {
      projectName: spec.projectName,
      versionName: spec.versionName,
      // In the project's region and account: `…:project/NAME/version/VERSION/TIMESTAMP`.
      arn: `${project.arn.replace(/\/\d+$/, '')}/version/${spec.versionName}/${now}`,
      projectArn: project.arn,
      createdAt: now,
      phase,
      latencies,
      failNextStarts: 0,
    };
    if (holdingUnits.has(status)) this.kernel.bill(version, billedOf(version), seededUnits(spec), now);
    project.versions.delete(spec.versionName);
    project.versions.set(spec.versionName, version);
    return this.snapshot(version);
  }

  /** Forgets projects; the kernel forgets faults, the ledger and the call log. */
  protected forget(): void {
    this.#projects.clear();
  }

  /** Projects under a chosen ARN over the admin API. */
  override adminRoute(route: string, body: unknown): AdminResponse | undefined {
    return rekognitionAdminRoute(this, route, body);
  }
}

const billedOf = (version: VersionRecord): RekognitionBilled => ({
  projectName: version.projectName,
  versionName: version.versionName,
  projectVersionArn: version.arn,
});

/** The service shows the units of the last start in every status but a fresh TRAINING_COMPLETED. */
const showsUnits = (version: VersionRecord): boolean =>
  version.units !== undefined && version.phase.status !== 'TRAINING_COMPLETED';

const describe = (version: VersionRecord): Record<string, unknown> => {
  return {
    ProjectVersionArn: version.arn,
    CreationTimestamp: version.createdAt / 1000,
    Status: version.phase.status,
    StatusMessage: messages[version.phase.status],
    ...wireUnits(version.units, showsUnits(version)),
    Feature: 'CUSTOM_LABELS',
  };
};

/** The names a describe request filters by (1 to 10 valid names), or undefined when it names none. */
const namesFilter = (names: unknown, field: string, what: string): ReadonlySet<string> | undefined => {
  if (names === undefined) return undefined;
  if (
    !Array.isArray(names) ||
    names.length < 1 ||
    names.length > 10 ||
    !names.every((name) => typeof name === 'string' && namePattern.test(name))
  ) {
    throw invalidParameter(`${field} must hold 1 to 10 ${what} names.`);
  }
  return new Set(names as string[]);
};

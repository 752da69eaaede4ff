/**
 * The Lookout for Vision service on the emulator kernel: projects and model versions, its statuses,
 * its exceptions, client tokens and the REST-JSON answers of its five operations. The kernel
 * supplies the clock, quota, faults, call log, ledger and the hosting state machine; the shared
 * `HostingEngine` the administration every engine offers.
 */
import type { AdminResponse } from '../../../emulator/engine.ts';
import type { RequestScope } from '../../../emulator/faults.ts';
import { HostingEngine } from '../../../emulator/hosting-engine.ts';
import {
  type Answer,
  type HostedModel,
  type HostingSnapshot,
  hostingSnapshot,
  type KernelOptions,
  seededUnits,
  wireUnits,
} from '../../../emulator/kernel.ts';
import type { WireRequest, WireResponse } from '../../../emulator/wire.ts';
import { lookoutVisionAdminRoute, lookoutVisionRequestOf, type SeedModel, seedModelBody } from './routes.ts';
import {
  type ApiRequest,
  conflict,
  type LookoutVisionApiName,
  type LookoutVisionErrorType,
  lookoutVisionError,
  lookoutVisionService,
  type ModelAddress,
  type ModelStatus,
  notFound,
  parseUnits,
  projectPattern,
  validateAddress,
  validateToken,
} from './wire.ts';

export type { SeedModel } from './routes.ts';
export {
  type ApiRequest,
  type LookoutVisionApiName,
  lookoutVisionApiNames,
  type ModelAddress,
  type ModelStatus,
} from './wire.ts';

export interface LookoutVisionEngineOptions extends KernelOptions<LookoutVisionApiName> {}

/** A model as the emulator sees it right now. */
export interface ModelSnapshot extends ModelAddress, HostingSnapshot<ModelStatus> {
  readonly modelArn: string;
}

/** What the call log keeps of a request besides its API. */
export interface LookoutVisionCallFields {
  readonly projectName?: string;
  readonly modelVersion?: string;
  readonly clientToken?: string;
}

/** A billed run names the model and the token of the start that opened it. */
export interface LookoutVisionBilled extends ModelAddress {
  readonly clientToken?: string;
}

interface ModelRecord extends HostedModel<ModelStatus>, ModelAddress {
  readonly arn: string;
  readonly createdAt: number;
  readonly description?: string;
}

interface TokenEntry {
  readonly paramsKey: string;
  readonly at: number;
  readonly response: WireResponse;
}

/** The service keeps a client token active for 8 hours. */
const tokenLifetimeMs = 8 * 60 * 60 * 1000;
const starting = { starting: 'STARTING_HOSTING', hosted: 'HOSTED', failed: 'HOSTING_FAILED' } as const;
const stopping = { stopping: 'STOPPING_HOSTING', stopped: 'TRAINED' } as const;
const holdingUnits: ReadonlySet<ModelStatus> = new Set([
  'STARTING_HOSTING',
  'HOSTED',
  'SYSTEM_UPDATING',
  'STOPPING_HOSTING',
]);
const showingUnits: ReadonlySet<ModelStatus> = new Set([...holdingUnits, 'HOSTING_FAILED']);

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

/** The Lookout for Vision model: `handle` for AWS requests, the other methods (its own and the shared ones) for administration. */
export class LookoutVisionEngine extends HostingEngine<{
  api: LookoutVisionApiName;
  errorType: LookoutVisionErrorType;
  address: ModelAddress;
  record: ModelRecord;
  snapshot: ModelSnapshot;
  billed: LookoutVisionBilled;
  fields: LookoutVisionCallFields;
  seed: SeedModel;
  request: ApiRequest;
}> {
  readonly seedSchema = seedModelBody;
  #projects = new Map<string, Map<string, ModelRecord>>();
  /** When each project was created (seeded), for ListProjects and DescribeProject. */
  #projectsCreatedAt = new Map<string, number>();
  #tokens = new Map<string, TokenEntry>();

  constructor(options: LookoutVisionEngineOptions) {
    super(options, lookoutVisionService);
  }

  // ---------------------------------------------------------------- AWS requests

  /** A request of the REST-JSON paths; undefined for a request that is not one. */
  protected decode(request: WireRequest): ApiRequest | undefined {
    return lookoutVisionRequestOf(request);
  }

  handle(request: ApiRequest): WireResponse {
    const modelVersion = 'modelVersion' in request ? request.modelVersion : undefined;
    const clientToken = 'clientToken' in request ? request.clientToken : undefined;
    const scope: RequestScope = {
      ...(request.projectName === undefined ? {} : { projectName: request.projectName }),
      ...(modelVersion === undefined ? {} : { modelVersion }),
    };
    return this.kernel.answer(
      {
        api: request.api,
        scope,
        fields: { ...scope, ...(clientToken === undefined ? {} : { clientToken }) },
      },
      (now) => this.#dispatch(request, now),
    );
  }

  #dispatch(request: ApiRequest, now: number): Answer {
    switch (request.api) {
      case 'StartModel':
        return this.#startModel(request, now);
      case 'StopModel':
        return this.#stopModel(request, now);
      case 'DescribeModel':
        return ok(200, { ModelDescription: this.#describe(this.#find(request, now)) });
      case 'ListModels':
        return ok(200, this.#listModels(request, now));
      case 'DetectAnomalies':
        return ok(200, this.#detect(request, now));
      case 'ListProjects':
        return ok(200, this.#listProjects(request));
      case 'DescribeProject':
        return ok(200, {
          ProjectDescription: { ...this.#projectMetadata(request.projectName), Datasets: [] },
        });
    }
  }

  /** The projects by name, paginated: the read call a person tries first with the AWS CLI. */
  #listProjects(request: Extract<ApiRequest, { api: 'ListProjects' }>): Record<string, unknown> {
    return this.kernel.pageOf([...this.#projects.keys()].sort(), {
      listing: 'projects',
      token: request.nextToken,
      pageSize: this.#pageSize(request.maxResults),
      field: 'Projects',
      describe: (name) => this.#projectMetadata(name),
      invalidToken: () => lookoutVisionError('ValidationException', 'Invalid nextToken.'),
    });
  }

  /** The page size a list request's `maxResults` query parameter asks for. */
  #pageSize(maxResults: string | undefined): number {
    return this.kernel.pageSizeOf(maxResults === undefined ? undefined : Number(maxResults), () =>
      lookoutVisionError('ValidationException', 'maxResults must be an integer from 1 to 100.'),
    );
  }

  #projectMetadata(projectName: string): Record<string, unknown> {
    const createdAt = this.#projectsCreatedAt.get(projectName);
    if (createdAt === undefined || !this.#projects.has(projectName))
      throw notFound(projectName, 'PROJECT', `Project ${projectName} does not exist.`);
    const { region, accountId } = this.kernel;
    return {
      ProjectName: projectName,
      ProjectArn: `arn:aws:lookoutvision:${region}:${accountId}:project/${projectName}`,
      CreationTimestamp: createdAt / 1000,
    };
  }

  #startModel(request: Extract<ApiRequest, { api: 'StartModel' }>, now: number): Answer {
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
      throw conflict(
        model.arn,
        `Model ${model.modelVersion} cannot be started while its status is ${status}.`,
      );
    }
    this.kernel.admitUnits(this.records(), holdingUnits, units, now, (quota) =>
      lookoutVisionError(
        'ServiceQuotaExceededException',
        `Starting ${units.min} inference units would exceed the quota of ${quota}.`,
        {
          QuotaCode: 'L-inference-units',
          ServiceCode: 'lookoutvision',
          ResourceId: model.arn,
          ResourceType: 'MODEL',
        },
      ),
    );
    this.kernel.beginStart(model, billedOf(model, token), units, now, starting);
    return this.#accepted('StartModel', token, paramsKey, now, 'STARTING_HOSTING');
  }

  #stopModel(request: Extract<ApiRequest, { api: 'StopModel' }>, now: number): Answer {
    validateAddress(request);
    const token = validateToken(request.clientToken);
    const paramsKey = JSON.stringify([request.projectName, request.modelVersion]);
    const replay = this.#replay('StopModel', token, paramsKey, now);
    if (replay) return { response: replay, outcome: 'replayed' };

    const model = this.#find(request, now);
    // Only a HOSTED model is running; a start still in progress has to finish first, as on AWS.
    if (model.phase.status !== 'HOSTED') {
      throw conflict(
        model.arn,
        `Model ${model.modelVersion} is not running: its status is ${model.phase.status}.`,
      );
    }
    this.kernel.beginStop(model, now, stopping);
    return this.#accepted('StopModel', token, paramsKey, now, 'STOPPING_HOSTING');
  }

  /** A 202 with the new status, remembered under the client token for replays. */
  #accepted(
    api: LookoutVisionApiName,
    token: string | undefined,
    paramsKey: string,
    now: number,
    status: ModelStatus,
  ): Answer {
    const response = ok(202, { Status: status }).response;
    if (token !== undefined) this.#tokens.set(`${api}:${token}`, { paramsKey, at: now, response });
    return { response, outcome: 'accepted' };
  }

  #replay(
    api: LookoutVisionApiName,
    token: string | undefined,
    paramsKey: string,
    now: number,
  ): WireResponse | undefined {
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
      throw lookoutVisionError(
        'ValidationException',
        `ClientToken ${token} was already used for ${api} with different parameters.`,
      );
    }
    return entry.response;
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
    this.kernel.settle(model, now);
    return model;
  }

  #describe(model: ModelRecord): Record<string, unknown> {
    return {
      ...this.#metadata(model),
      ...wireUnits(model.units, showsUnits(model)),
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
      StatusMessage: messages[model.phase.status],
      Performance: { F1Score: 0.95, Recall: 0.94, Precision: 0.96 },
    };
  }

  #listModels(request: Extract<ApiRequest, { api: 'ListModels' }>, now: number): Record<string, unknown> {
    if (!projectPattern.test(request.projectName)) {
      throw lookoutVisionError('ValidationException', `Invalid project name: ${request.projectName}`);
    }
    const pageSize = this.#pageSize(request.maxResults);
    const versions = this.#projects.get(request.projectName);
    if (!versions)
      throw notFound(request.projectName, 'PROJECT', `Project ${request.projectName} does not exist.`);
    const all = [...versions.values()].sort((a, b) => Number(a.modelVersion) - Number(b.modelVersion));
    return this.kernel.page(
      all,
      {
        listing: request.projectName,
        token: request.nextToken,
        pageSize,
        field: 'Models',
        describe: (model) => this.#metadata(model),
        invalidToken: () => lookoutVisionError('ValidationException', 'Invalid nextToken.'),
      },
      now,
    );
  }

  #detect(request: Extract<ApiRequest, { api: 'DetectAnomalies' }>, now: number): Record<string, unknown> {
    const model = this.#find(request, now);
    if (model.phase.status !== 'HOSTED') {
      throw conflict(
        model.arn,
        `Model ${model.modelVersion} is not hosted: its status is ${model.phase.status}.`,
      );
    }
    if (request.contentType !== 'image/png' && request.contentType !== 'image/jpeg') {
      throw lookoutVisionError('ValidationException', 'ContentType must be image/png or image/jpeg.');
    }
    if (request.body.length === 0) throw lookoutVisionError('ValidationException', 'Body must not be empty.');
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

  protected records(): ModelRecord[] {
    return [...this.#projects.values()].flatMap((versions) => [...versions.values()]);
  }

  protected lookup(address: ModelAddress): ModelRecord | undefined {
    return this.#projects.get(address.projectName)?.get(address.modelVersion);
  }

  protected override compare(a: ModelRecord, b: ModelRecord): number {
    return a.projectName.localeCompare(b.projectName) || Number(a.modelVersion) - Number(b.modelVersion);
  }

  // ---------------------------------------------------------------- administration

  /** Creates a project if needed and a model version in it; replaces a version that exists. */
  seedModel(spec: SeedModel): ModelSnapshot {
    validateAddress(spec);
    if (spec.modelVersion === 'latest') throw new RangeError('a seeded model needs a numeric version');
    const now = this.clock.now().getTime();
    const versions = this.#projects.get(spec.projectName) ?? new Map<string, ModelRecord>();
    this.#projects.set(spec.projectName, versions);
    if (!this.#projectsCreatedAt.has(spec.projectName))
      this.#projectsCreatedAt.set(spec.projectName, this.clock.now().getTime());
    const status = spec.status ?? 'TRAINED';
    const { region, accountId } = this.kernel;
    const model: ModelRecord = {
      projectName: spec.projectName,
      modelVersion: spec.modelVersion,
      arn: `arn:aws:lookoutvision:${region}:${accountId}:model/${spec.projectName}/${spec.modelVersion}`,
      createdAt: now,
      ...(spec.description === undefined ? {} : { description: spec.description }),
      phase: { status },
      latencies: { ...spec.latencies },
      failNextStarts: 0,
    };
    if (status === 'HOSTED') this.kernel.bill(model, billedOf(model), seededUnits(spec), now);
    versions.set(spec.modelVersion, model);
    return this.snapshot(model);
  }

  /** Creates an empty project, so ListModels answers an empty list rather than ResourceNotFound. */
  seedProject(projectName: string): void {
    if (!this.#projects.has(projectName)) this.#projects.set(projectName, new Map());
    if (!this.#projectsCreatedAt.has(projectName))
      this.#projectsCreatedAt.set(projectName, this.clock.now().getTime());
  }

  /** Puts a HOSTED model into SYSTEM_UPDATING for `durationMs`; it is HOSTED again afterwards. */
  beginSystemUpdate(address: ModelAddress, durationMs: number): ModelSnapshot {
    const model = this.adminFind(address);
    if (model.phase.status !== 'HOSTED') {
      throw new RangeError(
        `only a HOSTED model can be updated; ${model.modelVersion} is ${model.phase.status}`,
      );
    }
    const now = this.clock.now().getTime();
    model.phase = { status: 'SYSTEM_UPDATING', until: now + durationMs, becomes: 'HOSTED' };
    return this.snapshot(model);
  }

  /** Forgets models and client tokens; the kernel forgets faults, the ledger and the call log. */
  protected forget(): void {
    this.#projects.clear();
    this.#projectsCreatedAt.clear();
    this.#tokens.clear();
  }

  /** Projects and system updates over the admin API. */
  override adminRoute(route: string, body: unknown): AdminResponse | undefined {
    return lookoutVisionAdminRoute(this, route, body);
  }

  protected snapshot(model: ModelRecord): ModelSnapshot {
    return {
      projectName: model.projectName,
      modelVersion: model.modelVersion,
      modelArn: model.arn,
      ...hostingSnapshot(model, messages[model.phase.status], showsUnits(model)),
    };
  }
}

/** The service shows the units of the last start while the model is hosted, and after a failed start. */
const showsUnits = (model: ModelRecord): boolean =>
  model.units !== undefined && showingUnits.has(model.phase.status);

const ok = (httpStatus: number, body: unknown): Answer => ({ response: { httpStatus, body }, outcome: 'ok' });

const billedOf = (model: ModelRecord, clientToken?: string): LookoutVisionBilled => ({
  projectName: model.projectName,
  modelVersion: model.modelVersion,
  ...(clientToken === undefined ? {} : { clientToken }),
});

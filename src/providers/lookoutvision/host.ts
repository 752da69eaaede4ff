/**
 * The `ModelHost` adapter for Amazon Lookout for Vision. The client is injected (built once by
 * `createLookoutVisionClient`), retries are the SDK's own (adaptive mode), and every SDK exception
 * leaves this module as a `HostingError` with the SDK exception as its `cause`.
 */
import {
  AccessDeniedException,
  ConflictException,
  DescribeModelCommand,
  InternalServerException,
  ListModelsCommand,
  type LookoutVisionClient,
  type ModelMetadata,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  StartModelCommand,
  StopModelCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-lookoutvision';
import type { CallOptions, Observation, StartRequest, StopRequest } from '../../hosting/model-host.ts';
import * as kit from '../kit/index.ts';
import { type LookoutVisionRef, lookoutVisionNaming } from './schema.ts';
import { lookoutVisionStatusReader } from './statuses.ts';

/**
 * Ref ownership, error translation and observations for Lookout for Vision. Its exceptions, in
 * order of precedence, and what each becomes.
 */
const support = kit.hostSupport<LookoutVisionRef>({
  ...lookoutVisionNaming,
  statuses: lookoutVisionStatusReader,
  notFound: ResourceNotFoundException,
  errors: [
    [ThrottlingException, 'Throttling', true],
    [ConflictException, 'Conflict', false],
    [ResourceNotFoundException, 'ResourceNotFound', false],
    [ValidationException, 'Validation', false],
    [AccessDeniedException, 'AccessDenied', false],
    [InternalServerException, 'InternalServer', true],
    [ServiceQuotaExceededException, 'ServiceQuotaExceeded', false],
  ],
});

/** Lookout for Vision behind the `ModelHost` interface. */
export class LookoutVisionModelHost extends kit.SdkModelHost<LookoutVisionRef> {
  readonly provider = 'lookoutvision' as const;
  readonly supportsClientToken = true;

  /** @param client - built once per process by `createLookoutVisionClient`, shared across calls */
  constructor(private readonly client: LookoutVisionClient) {
    super(support, {
      observe: 'DescribeModel',
      observeBatch: (batch) => `ListModels ${batch[0]?.projectName}`,
      start: 'StartModel',
      stop: 'StopModel',
      starting: 'STARTING_HOSTING',
      stopping: 'STOPPING_HOSTING',
    });
  }

  /** DescribeModel, which, unlike ListModels, reports the inference units. */
  protected async observeOne(target: LookoutVisionRef, options: CallOptions): Promise<Observation> {
    const { ModelDescription: model } = await this.client.send(
      new DescribeModelCommand(modelOf(target)),
      kit.sendOptions(options),
    );
    return support.observation(target, model ?? {});
  }

  /**
   * One paginated ListModels per project, which answers for all of a project's versions at once and
   * keeps the scheduler far under the 5 requests/second quota.
   */
  protected batches(refs: readonly LookoutVisionRef[]): LookoutVisionRef[][] {
    return kit.groupedBy(refs, (ref) => ref.projectName);
  }

  protected async observeBatch(
    batch: readonly LookoutVisionRef[],
    options: CallOptions,
  ): Promise<(ref: LookoutVisionRef) => Observation> {
    const projectName = batch[0]?.projectName ?? '';
    const models = await this.#listModels(projectName, options);
    return (ref) => {
      const model = findVersion(models, ref.modelVersion);
      return model
        ? support.observation(ref, model)
        : kit.missing(ref, `project ${projectName} has no model version ${ref.modelVersion}`);
    };
  }

  /** StartModel with the caller's client token, so a retried start is deduplicated by the service. */
  protected sendStart(target: LookoutVisionRef, request: StartRequest, options: CallOptions) {
    return this.client.send(
      new StartModelCommand({
        ...modelOf(target),
        ...kit.requestedUnits(request),
        ClientToken: request.clientToken,
      }),
      kit.sendOptions(options),
    );
  }

  /** StopModel with the caller's client token. */
  protected sendStop(target: LookoutVisionRef, request: StopRequest, options: CallOptions) {
    return this.client.send(
      new StopModelCommand({ ...modelOf(target), ClientToken: request.clientToken }),
      kit.sendOptions(options),
    );
  }

  async #listModels(projectName: string, options: CallOptions): Promise<ModelMetadata[]> {
    const models: ModelMetadata[] = [];
    for await (const page of kit.pages((token) =>
      this.client.send(
        new ListModelsCommand({ ProjectName: projectName, ...token }),
        kit.sendOptions(options),
      ),
    )) {
      models.push(...(page.Models ?? []));
    }
    return models;
  }
}

/** The SDK's names of a ref's project and version. */
const modelOf = (ref: LookoutVisionRef) => ({ ProjectName: ref.projectName, ModelVersion: ref.modelVersion });

/** `latest` names the highest version, as the service resolves it. */
const findVersion = (models: readonly ModelMetadata[], version: string): ModelMetadata | undefined =>
  version === 'latest'
    ? [...models].sort((a, b) => Number(b.ModelVersion) - Number(a.ModelVersion))[0]
    : models.find((model) => model.ModelVersion === version);

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
import type {
  Accepted,
  CallOptions,
  HostingError,
  ModelHost,
  ModelRef,
  Observation,
  StartRequest,
  StopRequest,
} from '../../hosting/model-host.ts';
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
export class LookoutVisionModelHost implements ModelHost {
  readonly provider = 'lookoutvision' as const;
  readonly supportsClientToken = true;

  /** @param client - built once per process by `createLookoutVisionClient`, shared across calls */
  constructor(private readonly client: LookoutVisionClient) {}

  /** Observes one model with DescribeModel, which, unlike ListModels, reports the inference units. */
  observe(ref: ModelRef, options: CallOptions = {}): Promise<Observation> {
    const target = support.target(ref);
    return support.observing(ref, `DescribeModel ${support.keyOf(ref)}`, async () => {
      const { ModelDescription: model } = await this.client.send(
        new DescribeModelCommand(modelOf(target)),
        kit.sendOptions(options),
      );
      return support.observation(ref, model ?? {});
    });
  }

  /**
   * Observes many models with one paginated ListModels per project, which answers for all of a
   * project's versions at once and keeps the scheduler far under the 5 requests/second quota.
   * Projects are listed one after another for the same reason.
   */
  observeMany(
    refs: readonly ModelRef[],
    options: CallOptions = {},
  ): Promise<Map<string, Observation | HostingError>> {
    return kit.observeInBatches<LookoutVisionRef>(refs, {
      ...support,
      batches: (own) => kit.groupedBy(own, (ref) => ref.projectName),
      observeBatch: async (batch) => {
        const projectName = batch[0]?.projectName ?? '';
        const models = await this.#listModels(projectName, options);
        return (ref) => {
          const model = findVersion(models, ref.modelVersion);
          return model
            ? support.observation(ref, model)
            : kit.missing(ref, `project ${projectName} has no model version ${ref.modelVersion}`);
        };
      },
      failed: (error, batch, ref) =>
        support.failedObservation(error, ref, `ListModels ${batch[0]?.projectName}`),
    });
  }

  /** StartModel with the caller's client token, so a retried start is deduplicated by the service. */
  start(ref: ModelRef, request: StartRequest, options: CallOptions = {}): Promise<Accepted> {
    const target = support.target(ref);
    return support.changing(`StartModel ${support.keyOf(ref)}`, 'STARTING_HOSTING', () =>
      this.client.send(
        new StartModelCommand({
          ...modelOf(target),
          ...kit.requestedUnits(request),
          ClientToken: request.clientToken,
        }),
        kit.sendOptions(options),
      ),
    );
  }

  /** StopModel with the caller's client token. */
  stop(ref: ModelRef, request: StopRequest, options: CallOptions = {}): Promise<Accepted> {
    const target = support.target(ref);
    return support.changing(`StopModel ${support.keyOf(ref)}`, 'STOPPING_HOSTING', () =>
      this.client.send(
        new StopModelCommand({ ...modelOf(target), ClientToken: request.clientToken }),
        kit.sendOptions(options),
      ),
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

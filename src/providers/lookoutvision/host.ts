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
import {
  type Accepted,
  type CallOptions,
  HostingError,
  type ModelHost,
  type ModelRef,
  type Observation,
  type StartRequest,
  type StopRequest,
} from '../../hosting/model-host.ts';
import * as kit from '../kit/index.ts';
import { isLookoutVisionRef, type LookoutVisionRef, lookoutVisionRefKey } from './schema.ts';
import { lookoutVisionStatusMessage, observedStateOfLookoutVisionStatus } from './statuses.ts';

/** Lookout for Vision behind the `ModelHost` interface. */
export class LookoutVisionModelHost implements ModelHost {
  readonly provider = 'lookoutvision' as const;
  readonly supportsClientToken = true;

  /** @param client - built once per process by `createLookoutVisionClient`, shared across calls */
  constructor(private readonly client: LookoutVisionClient) {}

  /** Observes one model with DescribeModel, which, unlike ListModels, reports the inference units. */
  async observe(ref: ModelRef, options: CallOptions = {}): Promise<Observation> {
    const target = lookoutVisionRef(ref);
    try {
      const { ModelDescription: model } = await this.client.send(
        new DescribeModelCommand({ ProjectName: target.projectName, ModelVersion: target.modelVersion }),
        kit.sendOptions(options),
      );
      return observation(
        ref,
        model?.Status,
        model?.StatusMessage,
        kit.reportedUnits(model?.MinInferenceUnits, model?.MaxInferenceUnits),
      );
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return kit.missing(ref, error.message);
      throw toLookoutVisionHostingError(error, `DescribeModel ${keyOf(ref)}`);
    }
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
      own: (ref) => (isLookoutVisionRef(ref) ? ref : undefined),
      keyOf,
      foreign: wrongProvider,
      batches: (own) => kit.groupedBy(own, (ref) => ref.projectName),
      observeBatch: async (batch) => {
        const projectName = batch[0]?.projectName ?? '';
        const models = await this.#listModels(projectName, options);
        return (ref) => {
          const model = findVersion(models, ref.modelVersion);
          return model
            ? observation(ref, model.Status, model.StatusMessage, {})
            : kit.missing(ref, `project ${projectName} has no model version ${ref.modelVersion}`);
        };
      },
      failed: (error, batch, ref) =>
        error instanceof ResourceNotFoundException
          ? kit.missing(ref, error.message)
          : toLookoutVisionHostingError(error, `ListModels ${batch[0]?.projectName}`),
    });
  }

  /** StartModel with the caller's client token, so a retried start is deduplicated by the service. */
  async start(ref: ModelRef, request: StartRequest, options: CallOptions = {}): Promise<Accepted> {
    const target = lookoutVisionRef(ref);
    try {
      const { Status } = await this.client.send(
        new StartModelCommand({
          ProjectName: target.projectName,
          ModelVersion: target.modelVersion,
          MinInferenceUnits: request.minInferenceUnits,
          ...(request.maxInferenceUnits === undefined
            ? {}
            : { MaxInferenceUnits: request.maxInferenceUnits }),
          ClientToken: request.clientToken,
        }),
        kit.sendOptions(options),
      );
      return kit.accepted(Status ?? 'STARTING_HOSTING', observedStateOfLookoutVisionStatus);
    } catch (error) {
      throw toLookoutVisionHostingError(error, `StartModel ${keyOf(ref)}`);
    }
  }

  /** StopModel with the caller's client token. */
  async stop(ref: ModelRef, request: StopRequest, options: CallOptions = {}): Promise<Accepted> {
    const target = lookoutVisionRef(ref);
    try {
      const { Status } = await this.client.send(
        new StopModelCommand({
          ProjectName: target.projectName,
          ModelVersion: target.modelVersion,
          ClientToken: request.clientToken,
        }),
        kit.sendOptions(options),
      );
      return kit.accepted(Status ?? 'STOPPING_HOSTING', observedStateOfLookoutVisionStatus);
    } catch (error) {
      throw toLookoutVisionHostingError(error, `StopModel ${keyOf(ref)}`);
    }
  }

  async #listModels(projectName: string, options: CallOptions): Promise<ModelMetadata[]> {
    const models: ModelMetadata[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListModelsCommand({
          ProjectName: projectName,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
        kit.sendOptions(options),
      );
      models.push(...(page.Models ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return models;
  }
}

/**
 * Translates an error from the Lookout for Vision SDK into a `HostingError` that keeps the original
 * as `cause`; `retryable` says whether the same call may succeed later.
 */
export const toLookoutVisionHostingError = kit.hostingErrorTranslator([
  [ThrottlingException, 'Throttling', true],
  [ConflictException, 'Conflict', false],
  [ResourceNotFoundException, 'ResourceNotFound', false],
  [ValidationException, 'Validation', false],
  [AccessDeniedException, 'AccessDenied', false],
  [InternalServerException, 'InternalServer', true],
  [ServiceQuotaExceededException, 'ServiceQuotaExceeded', false],
]);

const keyOf = (ref: ModelRef): string =>
  isLookoutVisionRef(ref) ? lookoutVisionRefKey(ref) : kit.describeRef(ref);

const lookoutVisionRef = (ref: ModelRef): LookoutVisionRef => {
  if (!isLookoutVisionRef(ref)) throw wrongProvider(ref);
  return ref;
};

const wrongProvider = (ref: ModelRef): HostingError =>
  new HostingError('Validation', `${kit.describeRef(ref)} is not a Lookout for Vision model`, {
    retryable: false,
  });

const observation = (
  ref: ModelRef,
  status: string | undefined,
  statusMessage: string | undefined,
  units: { minInferenceUnits?: number; maxInferenceUnits?: number },
): Observation => {
  const message = lookoutVisionStatusMessage(status) ?? statusMessage;
  return {
    ref,
    state: observedStateOfLookoutVisionStatus(status),
    ...(status === undefined ? {} : { rawStatus: status }),
    ...(message === undefined ? {} : { message }),
    ...units,
  };
};

/** `latest` names the highest version, as the service resolves it. */
const findVersion = (models: readonly ModelMetadata[], version: string): ModelMetadata | undefined =>
  version === 'latest'
    ? [...models].sort((a, b) => Number(b.ModelVersion) - Number(a.ModelVersion))[0]
    : models.find((model) => model.ModelVersion === version);

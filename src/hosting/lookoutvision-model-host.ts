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
  type HostingErrorCode,
  type ModelHost,
  type ModelRef,
  type Observation,
  type ObservedState,
  refKey,
  type StartRequest,
  type StopRequest,
} from './model-host.ts';

type LookoutVisionRef = Extract<ModelRef, { provider: 'lookoutvision' }>;

/**
 * What each Lookout for Vision status means to the scheduler. A model that is training, failed
 * training or is being deleted cannot be hosted at all, so for the scheduler it is as good as
 * missing; the raw status and a message keep the difference visible in logs and `status`.
 */
const stateOfStatus: Readonly<Record<string, ObservedState>> = {
  TRAINED: 'stopped',
  STARTING_HOSTING: 'starting',
  HOSTED: 'hosted',
  HOSTING_FAILED: 'failed',
  STOPPING_HOSTING: 'stopping',
  SYSTEM_UPDATING: 'updating',
  TRAINING: 'missing',
  TRAINING_FAILED: 'missing',
  DELETING: 'missing',
};

const unusableMessages: Readonly<Record<string, string>> = {
  TRAINING: 'the model is still training and cannot be hosted yet',
  TRAINING_FAILED: 'the model failed training and cannot be hosted',
  DELETING: 'the model is being deleted',
};

/**
 * Maps a Lookout for Vision model status to the scheduler's observed state. A status this code
 * does not know (one added after the SDK froze) is `missing`: the scheduler must not act on it.
 */
export const observedStateOfLookoutVisionStatus = (status: string | undefined): ObservedState =>
  (status === undefined ? undefined : stateOfStatus[status]) ?? 'missing';

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
        sendOptions(options),
      );
      return observation(ref, model?.Status, model?.StatusMessage, {
        ...(model?.MinInferenceUnits === undefined ? {} : { minInferenceUnits: model.MinInferenceUnits }),
        ...(model?.MaxInferenceUnits === undefined ? {} : { maxInferenceUnits: model.MaxInferenceUnits }),
      });
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return missing(ref, error.message);
      throw toHostingError(error, `DescribeModel ${refKey(ref)}`);
    }
  }

  /**
   * Observes many models with one paginated ListModels per project, which answers for all of a
   * project's versions at once and keeps the scheduler far under the 5 requests/second quota.
   * Projects are listed one after another for the same reason.
   */
  async observeMany(
    refs: readonly ModelRef[],
    options: CallOptions = {},
  ): Promise<Map<string, Observation | HostingError>> {
    const results = new Map<string, Observation | HostingError>();
    const byProject = new Map<string, LookoutVisionRef[]>();
    for (const ref of refs) {
      if (ref.provider !== 'lookoutvision') {
        results.set(refKey(ref), wrongProvider(ref));
        continue;
      }
      byProject.set(ref.projectName, [...(byProject.get(ref.projectName) ?? []), ref]);
    }
    for (const [projectName, projectRefs] of byProject) {
      try {
        const models = await this.#listModels(projectName, options);
        for (const ref of projectRefs) {
          const model = findVersion(models, ref.modelVersion);
          results.set(
            refKey(ref),
            model
              ? observation(ref, model.Status, model.StatusMessage, {})
              : missing(ref, `project ${projectName} has no model version ${ref.modelVersion}`),
          );
        }
      } catch (error) {
        for (const ref of projectRefs) {
          results.set(
            refKey(ref),
            error instanceof ResourceNotFoundException
              ? missing(ref, error.message)
              : toHostingError(error, `ListModels ${projectName}`),
          );
        }
      }
    }
    return results;
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
        sendOptions(options),
      );
      return accepted(Status ?? 'STARTING_HOSTING');
    } catch (error) {
      throw toHostingError(error, `StartModel ${refKey(ref)}`);
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
        sendOptions(options),
      );
      return accepted(Status ?? 'STOPPING_HOSTING');
    } catch (error) {
      throw toHostingError(error, `StopModel ${refKey(ref)}`);
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
        sendOptions(options),
      );
      models.push(...(page.Models ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return models;
  }
}

/** What each SDK exception becomes; `retryable` says whether the same call may succeed later. */
const translations: readonly [new (...args: never[]) => Error, HostingErrorCode, boolean][] = [
  [ThrottlingException, 'Throttling', true],
  [ConflictException, 'Conflict', false],
  [ResourceNotFoundException, 'ResourceNotFound', false],
  [ValidationException, 'Validation', false],
  [AccessDeniedException, 'AccessDenied', false],
  [InternalServerException, 'InternalServer', true],
  [ServiceQuotaExceededException, 'ServiceQuotaExceeded', false],
];

/**
 * Translates an error from the SDK into a `HostingError` that keeps the original as `cause`.
 * The SDK has already retried throttling and 5xx answers by the time an error arrives here.
 *
 * @param error - what `client.send` threw
 * @param action - the call, for the message (`StartModel lookoutvision:circuit-boards/3`)
 */
export const toHostingError = (error: unknown, action: string): HostingError => {
  if (error instanceof HostingError) return error;
  const message = error instanceof Error ? error.message : String(error);
  for (const [type, code, retryable] of translations) {
    if (error instanceof type)
      return new HostingError(code, `${action}: ${message}`, { cause: error, retryable });
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    // The request may have reached the service before the abort: retrying with the same client
    // token is safe and is what a later tick does.
    return new HostingError('Aborted', `${action}: aborted (${message})`, { cause: error, retryable: true });
  }
  // Network failures and exceptions the SDK does not model: the next tick may well succeed.
  return new HostingError('Unknown', `${action}: ${message}`, { cause: error, retryable: true });
};

const sendOptions = (options: CallOptions): { abortSignal?: AbortSignal } =>
  options.signal === undefined ? {} : { abortSignal: options.signal };

const lookoutVisionRef = (ref: ModelRef): LookoutVisionRef => {
  if (ref.provider !== 'lookoutvision') throw wrongProvider(ref);
  return ref;
};

const wrongProvider = (ref: ModelRef): HostingError =>
  new HostingError('Validation', `${refKey(ref)} is not a Lookout for Vision model`, { retryable: false });

const observation = (
  ref: ModelRef,
  status: string | undefined,
  statusMessage: string | undefined,
  units: { minInferenceUnits?: number; maxInferenceUnits?: number },
): Observation => {
  const message = (status === undefined ? undefined : unusableMessages[status]) ?? statusMessage;
  return {
    ref,
    state: observedStateOfLookoutVisionStatus(status),
    ...(status === undefined ? {} : { rawStatus: status }),
    ...(message === undefined ? {} : { message }),
    ...units,
  };
};

const missing = (ref: ModelRef, message: string): Observation => ({ ref, state: 'missing', message });

const accepted = (rawStatus: string): Accepted => ({
  rawStatus,
  state: observedStateOfLookoutVisionStatus(rawStatus),
});

/** `latest` names the highest version, as the service resolves it. */
const findVersion = (models: readonly ModelMetadata[], version: string): ModelMetadata | undefined =>
  version === 'latest'
    ? [...models].sort((a, b) => Number(b.ModelVersion) - Number(a.ModelVersion))[0]
    : models.find((model) => model.ModelVersion === version);

/**
 * The `ModelHost` adapter for Amazon Rekognition Custom Labels. The client is injected (built once by
 * `createRekognitionClient`), retries are the SDK's own (adaptive mode), and every SDK exception
 * leaves this module as a `HostingError` with the SDK exception as its `cause`.
 *
 * Rekognition starts and stops a version by its ARN, which a `ModelRef` does not carry (the ARN
 * ends in a creation timestamp), so the adapter learns it from DescribeProjectVersions and keeps it
 * per instance. The API has no client token: `supportsClientToken` is false, the tokens in requests
 * are ignored, and a repeated start is refused as Conflict (ResourceInUse) rather than deduplicated.
 */
import {
  AccessDeniedException,
  ConflictException,
  DescribeProjectVersionsCommand,
  InternalServerError,
  InvalidPaginationTokenException,
  InvalidParameterException,
  LimitExceededException,
  type ProjectVersionDescription,
  type ProjectVersionStatus,
  ProvisionedThroughputExceededException,
  type RekognitionClient,
  ResourceInUseException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  StartProjectVersionCommand,
  StopProjectVersionCommand,
  ThrottlingException,
} from '@aws-sdk/client-rekognition';
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

type RekognitionRef = Extract<ModelRef, { provider: 'rekognition' }>;

/** DescribeProjectVersions takes at most this many version names per call. */
const maxVersionNamesPerCall = 10;

/**
 * What the scheduler may do with a version in each status of the service model, and what it tells
 * people about the ones it cannot start. Typed by the SDK's enum, so a status the SDK adds does not
 * compile until it has a meaning here.
 *
 * - A trained, copied, stopped or failed version can be started (`stopped`, `failed`).
 * - A training or a copy in progress ends in a version that can be started: the scheduler waits
 *   (`updating`) instead of failing the run, so a copy finished just before a shift still serves it.
 * - A failed training or copy, a deletion, a deprecated or an expired version can never be started:
 *   for the scheduler it is as good as `missing`, and the run fails with an alert.
 */
const meaningOfStatus: Readonly<
  Record<ProjectVersionStatus, { readonly state: ObservedState; readonly message?: string }>
> = {
  TRAINING_IN_PROGRESS: {
    state: 'updating',
    message: 'the model is still training; it can be started once training completes',
  },
  TRAINING_COMPLETED: { state: 'stopped' },
  TRAINING_FAILED: { state: 'missing', message: 'the model failed training and cannot be started' },
  STARTING: { state: 'starting' },
  RUNNING: { state: 'hosted' },
  FAILED: { state: 'failed' },
  STOPPING: { state: 'stopping' },
  STOPPED: { state: 'stopped' },
  DELETING: { state: 'missing', message: 'the model is being deleted and cannot be started' },
  COPYING_IN_PROGRESS: {
    state: 'updating',
    message: 'the model is being copied; it can be started once the copy completes',
  },
  COPYING_COMPLETED: { state: 'stopped' },
  COPYING_FAILED: { state: 'missing', message: 'the model copy failed and cannot be started' },
  DEPRECATED: { state: 'missing', message: 'the model version is deprecated and can no longer be started' },
  EXPIRED: { state: 'missing', message: 'the model version has expired and can no longer be started' },
};

const meaningOf = (status: string | undefined) =>
  status !== undefined && Object.hasOwn(meaningOfStatus, status)
    ? meaningOfStatus[status as ProjectVersionStatus]
    : undefined;

/**
 * Maps a Rekognition project version status to the scheduler's observed state (see
 * `meaningOfStatus`). A status this code does not know (one added after this SDK) is `missing`: the
 * scheduler must not act on it.
 */
export const observedStateOfRekognitionStatus = (status: string | undefined): ObservedState =>
  meaningOf(status)?.state ?? 'missing';

/** Rekognition Custom Labels behind the `ModelHost` interface. */
export class RekognitionModelHost implements ModelHost {
  readonly provider = 'rekognition' as const;
  readonly supportsClientToken = false;
  /** Version ARNs by `refKey`, learnt from every describe answer. */
  readonly #versionArns = new Map<string, string>();

  /** @param client - built once per process by `createRekognitionClient`, shared across calls */
  constructor(private readonly client: RekognitionClient) {}

  /** Observes one version with a DescribeProjectVersions filtered to its name. */
  async observe(ref: ModelRef, options: CallOptions = {}): Promise<Observation> {
    const target = rekognitionRef(ref);
    try {
      const found = (await this.#describe(target.projectArn, [target.versionName], options)).get(
        target.versionName,
      );
      return found ? observation(ref, found) : missing(ref, notFoundMessage(target));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return missing(ref, error.message);
      throw toRekognitionHostingError(error, `DescribeProjectVersions ${refKey(ref)}`);
    }
  }

  /**
   * Observes many versions with one DescribeProjectVersions per project and up to ten version names
   * (the API's limit), one call after another to stay far under the 5 requests/second quota. A failed
   * call is the result of the refs it asked about.
   */
  async observeMany(
    refs: readonly ModelRef[],
    options: CallOptions = {},
  ): Promise<Map<string, Observation | HostingError>> {
    const results = new Map<string, Observation | HostingError>();
    const byProject = new Map<string, RekognitionRef[]>();
    for (const ref of refs) {
      if (ref.provider !== 'rekognition') {
        results.set(refKey(ref), wrongProvider(ref));
        continue;
      }
      byProject.set(ref.projectArn, [...(byProject.get(ref.projectArn) ?? []), ref]);
    }
    for (const [projectArn, projectRefs] of byProject) {
      const names = [...new Set(projectRefs.map((ref) => ref.versionName))];
      for (let index = 0; index < names.length; index += maxVersionNamesPerCall) {
        const chunk = names.slice(index, index + maxVersionNamesPerCall);
        const chunkRefs = projectRefs.filter((ref) => chunk.includes(ref.versionName));
        try {
          const found = await this.#describe(projectArn, chunk, options);
          for (const ref of chunkRefs) {
            const version = found.get(ref.versionName);
            results.set(
              refKey(ref),
              version ? observation(ref, version) : missing(ref, notFoundMessage(ref)),
            );
          }
        } catch (error) {
          for (const ref of chunkRefs) {
            results.set(
              refKey(ref),
              error instanceof ResourceNotFoundException
                ? missing(ref, error.message)
                : toRekognitionHostingError(error, `DescribeProjectVersions ${projectArn}`),
            );
          }
        }
      }
    }
    return results;
  }

  /** StartProjectVersion; the client token is ignored, the API has none. */
  async start(ref: ModelRef, request: StartRequest, options: CallOptions = {}): Promise<Accepted> {
    const target = rekognitionRef(ref);
    try {
      const arn = await this.#versionArn(target, options);
      const { Status } = await this.#evictingOnNotFound(target, () =>
        this.client.send(
          new StartProjectVersionCommand({
            ProjectVersionArn: arn,
            MinInferenceUnits: request.minInferenceUnits,
            ...(request.maxInferenceUnits === undefined
              ? {}
              : { MaxInferenceUnits: request.maxInferenceUnits }),
          }),
          sendOptions(options),
        ),
      );
      return accepted(Status ?? 'STARTING');
    } catch (error) {
      throw toRekognitionHostingError(error, `StartProjectVersion ${refKey(ref)}`);
    }
  }

  /** StopProjectVersion; the client token is ignored, the API has none. */
  async stop(ref: ModelRef, _request: StopRequest, options: CallOptions = {}): Promise<Accepted> {
    const target = rekognitionRef(ref);
    try {
      const arn = await this.#versionArn(target, options);
      const { Status } = await this.#evictingOnNotFound(target, () =>
        this.client.send(new StopProjectVersionCommand({ ProjectVersionArn: arn }), sendOptions(options)),
      );
      return accepted(Status ?? 'STOPPING');
    } catch (error) {
      throw toRekognitionHostingError(error, `StopProjectVersion ${refKey(ref)}`);
    }
  }

  /** The version's ARN, from the cache or from one DescribeProjectVersions. */
  async #versionArn(ref: RekognitionRef, options: CallOptions): Promise<string> {
    const cached = this.#versionArns.get(refKey(ref));
    if (cached !== undefined) return cached;
    const found = (await this.#describe(ref.projectArn, [ref.versionName], options)).get(ref.versionName);
    if (!found?.ProjectVersionArn) {
      throw new HostingError('ResourceNotFound', notFoundMessage(ref), { retryable: false });
    }
    return found.ProjectVersionArn;
  }

  /** A version deleted and trained again under its name gets a new ARN: forget the old one. */
  async #evictingOnNotFound<T>(ref: RekognitionRef, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ResourceNotFoundException) this.#versionArns.delete(refKey(ref));
      throw error;
    }
  }

  /** Every page of one DescribeProjectVersions, by version name; caches the ARNs it sees. */
  async #describe(
    projectArn: string,
    versionNames: readonly string[],
    options: CallOptions,
  ): Promise<Map<string, ProjectVersionDescription>> {
    const found = new Map<string, ProjectVersionDescription>();
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new DescribeProjectVersionsCommand({
          ProjectArn: projectArn,
          VersionNames: [...versionNames],
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
        sendOptions(options),
      );
      for (const description of page.ProjectVersionDescriptions ?? []) {
        const name = versionNameOfArn(description.ProjectVersionArn);
        if (name === undefined || !versionNames.includes(name)) continue;
        found.set(name, description);
        this.#versionArns.set(
          refKey({ provider: 'rekognition', projectArn, versionName: name }),
          description.ProjectVersionArn as string,
        );
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return found;
  }
}

/**
 * What each SDK exception becomes; `retryable` says whether the same call may succeed later.
 *
 * LimitExceededException is a quota (too many inference units or concurrent operations in the
 * account), not a rate: it clears only when something else changes (another model stops, the quota
 * is raised). So it becomes `ServiceQuotaExceeded`, not retryable, the same as Lookout for Vision's
 * ServiceQuotaExceededException, and the scheduler alerts instead of hammering it. The SDK has
 * already retried it a few times by then (it classes LimitExceeded as throttling).
 */
const translations: readonly [new (...args: never[]) => Error, HostingErrorCode, boolean][] = [
  [ThrottlingException, 'Throttling', true],
  [ProvisionedThroughputExceededException, 'Throttling', true],
  [LimitExceededException, 'ServiceQuotaExceeded', false],
  [ServiceQuotaExceededException, 'ServiceQuotaExceeded', false],
  [ResourceInUseException, 'Conflict', false],
  [ConflictException, 'Conflict', false],
  [ResourceNotFoundException, 'ResourceNotFound', false],
  [InvalidParameterException, 'Validation', false],
  [InvalidPaginationTokenException, 'Validation', false],
  [AccessDeniedException, 'AccessDenied', false],
  [InternalServerError, 'InternalServer', true],
];

/**
 * Translates an error from the Rekognition SDK into a `HostingError` that keeps the original as
 * `cause`. The SDK has already retried throttling and 5xx answers by the time an error arrives here.
 *
 * @param error - what `client.send` threw
 * @param action - the call, for the message (`StartProjectVersion rekognition:arn…/v1`)
 */
export const toRekognitionHostingError = (error: unknown, action: string): HostingError => {
  if (error instanceof HostingError) return error;
  const message = error instanceof Error ? error.message : String(error);
  for (const [type, code, retryable] of translations) {
    if (error instanceof type)
      return new HostingError(code, `${action}: ${message}`, { cause: error, retryable });
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    // Without a client token a retried start may meet ResourceInUse; the next tick observes first.
    return new HostingError('Aborted', `${action}: aborted (${message})`, { cause: error, retryable: true });
  }
  // Network failures and exceptions the SDK does not model: the next tick may well succeed.
  return new HostingError('Unknown', `${action}: ${message}`, { cause: error, retryable: true });
};

/** The version name inside `arn:aws:rekognition:…:project/NAME/version/VERSION/TIMESTAMP`. */
const versionNameOfArn = (arn: string | undefined): string | undefined =>
  arn === undefined ? undefined : /\/version\/([^/]+)\/[^/]+$/.exec(arn)?.[1];

const sendOptions = (options: CallOptions): { abortSignal?: AbortSignal } =>
  options.signal === undefined ? {} : { abortSignal: options.signal };

const rekognitionRef = (ref: ModelRef): RekognitionRef => {
  if (ref.provider !== 'rekognition') throw wrongProvider(ref);
  return ref;
};

const wrongProvider = (ref: ModelRef): HostingError =>
  new HostingError('Validation', `${refKey(ref)} is not a Rekognition Custom Labels model`, {
    retryable: false,
  });

const notFoundMessage = (ref: RekognitionRef): string =>
  `project ${ref.projectArn} has no version ${ref.versionName}`;

const observation = (ref: ModelRef, version: ProjectVersionDescription): Observation => {
  const status = version.Status;
  const message = meaningOf(status)?.message ?? unknownStatusMessage(status) ?? version.StatusMessage;
  return {
    ref,
    state: observedStateOfRekognitionStatus(status),
    ...(status === undefined ? {} : { rawStatus: status }),
    ...(message === undefined ? {} : { message }),
    ...(version.MinInferenceUnits === undefined ? {} : { minInferenceUnits: version.MinInferenceUnits }),
    ...(version.MaxInferenceUnits === undefined ? {} : { maxInferenceUnits: version.MaxInferenceUnits }),
  };
};

const missing = (ref: ModelRef, message: string): Observation => ({ ref, state: 'missing', message });

const unknownStatusMessage = (status: string | undefined): string | undefined =>
  status === undefined || meaningOf(status)
    ? undefined
    : `the status ${status} is unknown to the scheduler, which does not act on it`;

const accepted = (rawStatus: string): Accepted => ({
  rawStatus,
  state: observedStateOfRekognitionStatus(rawStatus),
});

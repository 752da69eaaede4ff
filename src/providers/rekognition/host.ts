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
  type ModelHost,
  type ModelRef,
  type Observation,
  type StartRequest,
  type StopRequest,
} from '../../hosting/model-host.ts';
import * as kit from '../kit/index.ts';
import { isRekognitionRef, type RekognitionRef, rekognitionRefKey } from './schema.ts';
import { observedStateOfRekognitionStatus, rekognitionStatusMessage } from './statuses.ts';

/** DescribeProjectVersions takes at most this many version names per call. */
const maxVersionNamesPerCall = 10;

/** Rekognition Custom Labels behind the `ModelHost` interface. */
export class RekognitionModelHost implements ModelHost {
  readonly provider = 'rekognition' as const;
  readonly supportsClientToken = false;
  /** Version ARNs by ref key, learnt from every describe answer. */
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
      return found ? observation(ref, found) : kit.missing(ref, notFoundMessage(target));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return kit.missing(ref, error.message);
      throw toRekognitionHostingError(error, `DescribeProjectVersions ${keyOf(ref)}`);
    }
  }

  /**
   * Observes many versions with one DescribeProjectVersions per project and up to ten version names
   * (the API's limit), one call after another to stay far under the 5 requests/second quota. A failed
   * call is the result of the refs it asked about.
   */
  observeMany(
    refs: readonly ModelRef[],
    options: CallOptions = {},
  ): Promise<Map<string, Observation | HostingError>> {
    return kit.observeInBatches<RekognitionRef>(refs, {
      own: (ref) => (isRekognitionRef(ref) ? ref : undefined),
      keyOf,
      foreign: wrongProvider,
      batches: (own) => kit.groupedBy(own, (ref) => ref.projectArn).flatMap(namePages),
      observeBatch: async (batch) => {
        const projectArn = batch[0]?.projectArn ?? '';
        const names = [...new Set(batch.map((ref) => ref.versionName))];
        const found = await this.#describe(projectArn, names, options);
        return (ref) => {
          const version = found.get(ref.versionName);
          return version ? observation(ref, version) : kit.missing(ref, notFoundMessage(ref));
        };
      },
      failed: (error, batch, ref) =>
        error instanceof ResourceNotFoundException
          ? kit.missing(ref, error.message)
          : toRekognitionHostingError(error, `DescribeProjectVersions ${batch[0]?.projectArn}`),
    });
  }

  /** StartProjectVersion; the client token is ignored, the API has none. */
  async start(ref: ModelRef, request: StartRequest, options: CallOptions = {}): Promise<Accepted> {
    const target = rekognitionRef(ref);
    try {
      const { Status } = await this.#onVersion(target, options, (arn) =>
        this.client.send(
          new StartProjectVersionCommand({
            ProjectVersionArn: arn,
            MinInferenceUnits: request.minInferenceUnits,
            ...(request.maxInferenceUnits === undefined
              ? {}
              : { MaxInferenceUnits: request.maxInferenceUnits }),
          }),
          kit.sendOptions(options),
        ),
      );
      return kit.accepted(Status ?? 'STARTING', observedStateOfRekognitionStatus);
    } catch (error) {
      throw toRekognitionHostingError(error, `StartProjectVersion ${keyOf(ref)}`);
    }
  }

  /** StopProjectVersion; the client token is ignored, the API has none. */
  async stop(ref: ModelRef, _request: StopRequest, options: CallOptions = {}): Promise<Accepted> {
    const target = rekognitionRef(ref);
    try {
      const { Status } = await this.#onVersion(target, options, (arn) =>
        this.client.send(new StopProjectVersionCommand({ ProjectVersionArn: arn }), kit.sendOptions(options)),
      );
      return kit.accepted(Status ?? 'STOPPING', observedStateOfRekognitionStatus);
    } catch (error) {
      throw toRekognitionHostingError(error, `StopProjectVersion ${keyOf(ref)}`);
    }
  }

  /** The version's ARN, from the cache or from one DescribeProjectVersions. */
  async #versionArn(ref: RekognitionRef, options: CallOptions): Promise<string> {
    const cached = this.#versionArns.get(rekognitionRefKey(ref));
    if (cached !== undefined) return cached;
    const found = (await this.#describe(ref.projectArn, [ref.versionName], options)).get(ref.versionName);
    if (!found?.ProjectVersionArn) {
      throw new HostingError('ResourceNotFound', notFoundMessage(ref), { retryable: false });
    }
    return found.ProjectVersionArn;
  }

  /**
   * Calls the API on the version's ARN. A version deleted and trained again under its name gets a
   * new ARN: a call that finds no such version forgets the old one.
   */
  async #onVersion<T>(
    ref: RekognitionRef,
    options: CallOptions,
    call: (arn: string) => Promise<T>,
  ): Promise<T> {
    const arn = await this.#versionArn(ref, options);
    try {
      return await call(arn);
    } catch (error) {
      if (error instanceof ResourceNotFoundException) this.#versionArns.delete(rekognitionRefKey(ref));
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
        kit.sendOptions(options),
      );
      for (const description of page.ProjectVersionDescriptions ?? []) {
        const name = versionNameOfArn(description.ProjectVersionArn);
        if (name === undefined || !versionNames.includes(name)) continue;
        found.set(name, description);
        this.#versionArns.set(
          rekognitionRefKey({ provider: 'rekognition', projectArn, versionName: name }),
          description.ProjectVersionArn as string,
        );
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return found;
  }
}

/**
 * Translates an error from the Rekognition SDK into a `HostingError` that keeps the original as
 * `cause`; `retryable` says whether the same call may succeed later.
 *
 * LimitExceededException is a quota (too many inference units or concurrent operations in the
 * account), not a rate: it clears only when something else changes (another model stops, the quota
 * is raised). So it becomes `ServiceQuotaExceeded`, not retryable, the same as Lookout for Vision's
 * ServiceQuotaExceededException, and the scheduler alerts instead of hammering it. The SDK has
 * already retried it a few times by then (it classes LimitExceeded as throttling).
 */
export const toRekognitionHostingError = kit.hostingErrorTranslator([
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
]);

/** A project's refs as calls of at most {@link maxVersionNamesPerCall} distinct version names. */
const namePages = (projectRefs: readonly RekognitionRef[]): RekognitionRef[][] => {
  const names = [...new Set(projectRefs.map((ref) => ref.versionName))];
  const pages: RekognitionRef[][] = [];
  for (let index = 0; index < names.length; index += maxVersionNamesPerCall) {
    const page = names.slice(index, index + maxVersionNamesPerCall);
    pages.push(projectRefs.filter((ref) => page.includes(ref.versionName)));
  }
  return pages;
};

/** The version name inside `arn:aws:rekognition:…:project/NAME/version/VERSION/TIMESTAMP`. */
const versionNameOfArn = (arn: string | undefined): string | undefined =>
  arn === undefined ? undefined : /\/version\/([^/]+)\/[^/]+$/.exec(arn)?.[1];

const keyOf = (ref: ModelRef): string =>
  isRekognitionRef(ref) ? rekognitionRefKey(ref) : kit.describeRef(ref);

const rekognitionRef = (ref: ModelRef): RekognitionRef => {
  if (!isRekognitionRef(ref)) throw wrongProvider(ref);
  return ref;
};

const wrongProvider = (ref: ModelRef): HostingError =>
  new HostingError('Validation', `${kit.describeRef(ref)} is not a Rekognition Custom Labels model`, {
    retryable: false,
  });

const notFoundMessage = (ref: RekognitionRef): string =>
  `project ${ref.projectArn} has no version ${ref.versionName}`;

const observation = (ref: ModelRef, version: ProjectVersionDescription): Observation => {
  const status = version.Status;
  const message = rekognitionStatusMessage(status) ?? version.StatusMessage;
  return {
    ref,
    state: observedStateOfRekognitionStatus(status),
    ...(status === undefined ? {} : { rawStatus: status }),
    ...(message === undefined ? {} : { message }),
    ...kit.reportedUnits(version.MinInferenceUnits, version.MaxInferenceUnits),
  };
};

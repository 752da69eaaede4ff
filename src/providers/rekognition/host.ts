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
  type CallOptions,
  HostingError,
  type Observation,
  type StartRequest,
  type StopRequest,
} from '../../hosting/model-host.ts';
import * as kit from '../kit/index.ts';
import { type RekognitionRef, rekognitionNaming } from './schema.ts';
import { rekognitionStatusReader } from './statuses.ts';

/** DescribeProjectVersions takes at most this many version names per call. */
const maxVersionNamesPerCall = 10;

/**
 * Ref ownership, error translation and observations for Rekognition Custom Labels. Its exceptions,
 * in order of precedence, and what each becomes.
 *
 * LimitExceededException is a quota (too many inference units or concurrent operations in the
 * account), not a rate: it clears only when something else changes (another model stops, the quota
 * is raised). So it becomes `ServiceQuotaExceeded`, not retryable, the same as Lookout for Vision's
 * ServiceQuotaExceededException, and the scheduler alerts instead of hammering it. The SDK has
 * already retried it a few times by then (it classes LimitExceeded as throttling).
 */
const support = kit.hostSupport<RekognitionRef>({
  ...rekognitionNaming,
  statuses: rekognitionStatusReader,
  notFound: ResourceNotFoundException,
  errors: [
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
  ],
});

/** Rekognition Custom Labels behind the `ModelHost` interface. */
export class RekognitionModelHost extends kit.SdkModelHost<RekognitionRef> {
  readonly provider = 'rekognition' as const;
  readonly supportsClientToken = false;
  /** Version ARNs by ref key, learnt from every describe answer. */
  readonly #versionArns = new Map<string, string>();

  /** @param client - built once per process by `createRekognitionClient`, shared across calls */
  constructor(private readonly client: RekognitionClient) {
    super(support, {
      observe: 'DescribeProjectVersions',
      observeBatch: (batch) => `DescribeProjectVersions ${batch[0]?.projectArn}`,
      start: 'StartProjectVersion',
      stop: 'StopProjectVersion',
      starting: 'STARTING',
      stopping: 'STOPPING',
    });
  }

  /** A DescribeProjectVersions filtered to the version's name. */
  protected async observeOne(target: RekognitionRef, options: CallOptions): Promise<Observation> {
    const found = (await this.#describe(target.projectArn, [target.versionName], options)).get(
      target.versionName,
    );
    return found ? support.observation(target, found) : kit.missing(target, notFoundMessage(target));
  }

  /**
   * One DescribeProjectVersions per project and up to ten version names (the API's limit), which
   * keeps the scheduler far under the 5 requests/second quota.
   */
  protected batches(refs: readonly RekognitionRef[]): RekognitionRef[][] {
    return kit.groupedBy(refs, (ref) => ref.projectArn).flatMap(namePages);
  }

  protected async observeBatch(
    batch: readonly RekognitionRef[],
    options: CallOptions,
  ): Promise<(ref: RekognitionRef) => Observation> {
    const projectArn = batch[0]?.projectArn ?? '';
    const names = [...new Set(batch.map((ref) => ref.versionName))];
    const found = await this.#describe(projectArn, names, options);
    return (ref) => {
      const version = found.get(ref.versionName);
      return version ? support.observation(ref, version) : kit.missing(ref, notFoundMessage(ref));
    };
  }

  /** StartProjectVersion; the client token is ignored, the API has none. */
  protected sendStart(target: RekognitionRef, request: StartRequest, options: CallOptions) {
    return this.#onVersion(target, options, (arn) =>
      this.client.send(
        new StartProjectVersionCommand({ ProjectVersionArn: arn, ...kit.requestedUnits(request) }),
        kit.sendOptions(options),
      ),
    );
  }

  /** StopProjectVersion; the client token is ignored, the API has none. */
  protected sendStop(target: RekognitionRef, _request: StopRequest, options: CallOptions) {
    return this.#onVersion(target, options, (arn) =>
      this.client.send(new StopProjectVersionCommand({ ProjectVersionArn: arn }), kit.sendOptions(options)),
    );
  }

  /** The version's ARN, from the cache or from one DescribeProjectVersions. */
  async #versionArn(ref: RekognitionRef, options: CallOptions): Promise<string> {
    const cached = this.#versionArns.get(rekognitionNaming.refKey(ref));
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
      if (error instanceof ResourceNotFoundException) this.#versionArns.delete(rekognitionNaming.refKey(ref));
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
    for await (const page of kit.pages((token) =>
      this.client.send(
        new DescribeProjectVersionsCommand({
          ProjectArn: projectArn,
          VersionNames: [...versionNames],
          ...token,
        }),
        kit.sendOptions(options),
      ),
    )) {
      for (const description of page.ProjectVersionDescriptions ?? []) {
        const name = versionNameOfArn(description.ProjectVersionArn);
        if (name === undefined || !versionNames.includes(name)) continue;
        found.set(name, description);
        this.#versionArns.set(
          rekognitionNaming.refKey({ provider: 'rekognition', projectArn, versionName: name }),
          description.ProjectVersionArn as string,
        );
      }
    }
    return found;
  }
}

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

const notFoundMessage = (ref: RekognitionRef): string =>
  `project ${ref.projectArn} has no version ${ref.versionName}`;

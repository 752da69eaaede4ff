/**
 * The `ModelHost` adapter for SageMaker inference components. The client is injected (built once by
 * `createSageMakerClient`), retries are the SDK's own (adaptive mode), and every SDK exception leaves
 * this module as a `HostingError` with the SDK exception as its `cause`.
 *
 * A start sets the component's copy count to the shift's minimum units, a stop sets it to zero, both
 * with UpdateInferenceComponentRuntimeConfig. The call takes no client token and accepts any count
 * at any time, so the adapter observes the component first and refuses, as Conflict, a start of a
 * component that already wants copies and a stop of one that is not hosted: a repeated or crossed
 * request is never sent again, whatever the caller's records say.
 */
import {
  ConflictException,
  DescribeInferenceComponentCommand,
  type DescribeInferenceComponentCommandOutput,
  type InferenceComponentSummary,
  ListInferenceComponentsCommand,
  ResourceInUse,
  ResourceLimitExceeded,
  ResourceNotFound,
  type SageMakerClient,
  UpdateInferenceComponentRuntimeConfigCommand,
} from '@aws-sdk/client-sagemaker';
import {
  type Accepted,
  type CallOptions,
  HostingError,
  type HostingErrorCode,
  type ModelHost,
  type ModelRef,
  type Observation,
  type ObservedState,
  type StartRequest,
  type StopRequest,
} from '../../hosting/model-host.ts';
import * as kit from '../kit/index.ts';
import { isSageMakerRef, maxCopiesRefused, type SageMakerRef, sageMakerRefKey } from './schema.ts';
import {
  observedStateOfSageMakerStatus,
  sageMakerComponentStatus,
  sageMakerStatusMessage,
} from './statuses.ts';

/** Statuses a list summary decides alone; any other needs the component's copy counts. */
const decidedByList: ReadonlySet<string> = new Set(['Failed', 'Deleting', 'Creating']);

/** SageMaker inference components behind the `ModelHost` interface. */
export class SageMakerModelHost implements ModelHost {
  readonly provider = 'sagemaker' as const;
  readonly supportsClientToken = false;

  /** @param client - built once per process by `createSageMakerClient`, shared across calls */
  constructor(private readonly client: SageMakerClient) {}

  /** Observes one component with a DescribeInferenceComponent. */
  async observe(ref: ModelRef, options: CallOptions = {}): Promise<Observation> {
    const target = sageMakerRef(ref);
    try {
      return await this.#describe(ref, target, options);
    } catch (error) {
      throw toSageMakerHostingError(error, `DescribeInferenceComponent ${keyOf(ref)}`);
    }
  }

  /**
   * Observes many components with one ListInferenceComponents per endpoint (every page), and a
   * DescribeInferenceComponent for each listed component whose copy counts decide its state: the
   * list's summaries carry the status but not the counts. A component the list does not hold is
   * missing without a further call. Calls go one after another; a failed list is the result of its
   * endpoint's refs, a failed describe of its own ref.
   */
  async observeMany(
    refs: readonly ModelRef[],
    options: CallOptions = {},
  ): Promise<Map<string, Observation | HostingError>> {
    const results = new Map<string, Observation | HostingError>();
    const own: SageMakerRef[] = [];
    for (const ref of refs) {
      if (isSageMakerRef(ref)) own.push(ref);
      else results.set(keyOf(ref), wrongProvider(ref));
    }
    for (const group of kit.groupedBy(own, (ref) => ref.endpointName)) {
      const endpointName = group[0]?.endpointName ?? '';
      let listed: Map<string, InferenceComponentSummary>;
      try {
        listed = await this.#list(endpointName, options);
      } catch (error) {
        const failure = toSageMakerHostingError(error, `ListInferenceComponents ${endpointName}`);
        for (const ref of group) results.set(keyOf(ref), failure);
        continue;
      }
      for (const ref of group) {
        const summary = listed.get(ref.inferenceComponentName);
        if (!summary) {
          results.set(keyOf(ref), kit.missing(ref, notFoundMessage(ref)));
        } else if (decidedByList.has(summary.InferenceComponentStatus ?? '')) {
          results.set(keyOf(ref), observation(ref, summary.InferenceComponentStatus, undefined, undefined));
        } else {
          try {
            results.set(keyOf(ref), await this.#describe(ref, ref, options));
          } catch (error) {
            results.set(
              keyOf(ref),
              toSageMakerHostingError(error, `DescribeInferenceComponent ${keyOf(ref)}`),
            );
          }
        }
      }
    }
    return results;
  }

  /**
   * Scales the component to `minInferenceUnits` copies, once it is seen with none wanted (stopped,
   * or failed). The client token is ignored: the API has none.
   */
  async start(ref: ModelRef, request: StartRequest, options: CallOptions = {}): Promise<Accepted> {
    const target = sageMakerRef(ref);
    if (request.maxInferenceUnits !== undefined) {
      throw new HostingError('Validation', `${keyOf(ref)}: ${maxCopiesRefused}`, { retryable: false });
    }
    if (!Number.isInteger(request.minInferenceUnits) || request.minInferenceUnits < 1) {
      throw new HostingError(
        'Validation',
        `${keyOf(ref)}: a start needs at least 1 copy, not ${request.minInferenceUnits}`,
        { retryable: false },
      );
    }
    return this.#scale(ref, target, request.minInferenceUnits, ['stopped', 'failed'], options);
  }

  /** Scales a hosted component to zero copies. The client token is ignored: the API has none. */
  async stop(ref: ModelRef, _request: StopRequest, options: CallOptions = {}): Promise<Accepted> {
    return this.#scale(ref, sageMakerRef(ref), 0, ['hosted'], options);
  }

  async #scale(
    ref: ModelRef,
    target: SageMakerRef,
    copies: number,
    from: readonly ObservedState[],
    options: CallOptions,
  ): Promise<Accepted> {
    const action = `UpdateInferenceComponentRuntimeConfig ${keyOf(ref)}`;
    try {
      const seen = await this.#describe(ref, target, options);
      if (seen.state === 'missing') {
        throw new HostingError('ResourceNotFound', `${action}: ${seen.message}`, { retryable: false });
      }
      if (!from.includes(seen.state)) {
        const message = `${action}: the component is ${seen.state} (${seen.rawStatus}); not scaled to ${copies}`;
        // The observation is the cause: no request was sent.
        throw new HostingError('Conflict', message, { cause: new Error(message), retryable: false });
      }
      await this.client.send(
        new UpdateInferenceComponentRuntimeConfigCommand({
          InferenceComponentName: target.inferenceComponentName,
          DesiredRuntimeConfig: { CopyCount: copies },
        }),
        kit.sendOptions(options),
      );
      return kit.accepted(copies === 0 ? 'ScalingDown' : 'ScalingUp', observedStateOfSageMakerStatus);
    } catch (error) {
      throw toSageMakerHostingError(error, action);
    }
  }

  async #describe(ref: ModelRef, target: SageMakerRef, options: CallOptions): Promise<Observation> {
    let described: DescribeInferenceComponentCommandOutput;
    try {
      described = await this.client.send(
        new DescribeInferenceComponentCommand({ InferenceComponentName: target.inferenceComponentName }),
        kit.sendOptions(options),
      );
    } catch (error) {
      if (isCouldNotFind(error)) return kit.missing(ref, (error as Error).message);
      throw error;
    }
    if (described.EndpointName !== target.endpointName) {
      return kit.missing(
        ref,
        `the inference component ${target.inferenceComponentName} is on endpoint ${described.EndpointName}, not ${target.endpointName}`,
      );
    }
    const runtime = described.RuntimeConfig;
    const observed = observation(
      ref,
      described.InferenceComponentStatus,
      runtime?.DesiredCopyCount,
      runtime?.CurrentCopyCount,
    );
    return described.FailureReason !== undefined && observed.state === 'failed'
      ? { ...observed, message: described.FailureReason }
      : observed;
  }

  /** Every page of ListInferenceComponents of one endpoint, by component name. */
  async #list(endpointName: string, options: CallOptions): Promise<Map<string, InferenceComponentSummary>> {
    const found = new Map<string, InferenceComponentSummary>();
    let nextToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListInferenceComponentsCommand({
          EndpointNameEquals: endpointName,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
        kit.sendOptions(options),
      );
      for (const summary of page.InferenceComponents ?? []) {
        if (summary.InferenceComponentName !== undefined && summary.EndpointName === endpointName) {
          found.set(summary.InferenceComponentName, summary);
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return found;
  }
}

/**
 * SageMaker models few of its exceptions: validation, throttling, access and server faults arrive
 * as the service exception named by the wire's `__type`. These names, and what each becomes.
 */
const unmodelled: Readonly<Record<string, readonly [HostingErrorCode, boolean]>> = {
  ThrottlingException: ['Throttling', true],
  AccessDeniedException: ['AccessDenied', false],
  InternalFailure: ['InternalServer', true],
  ServiceUnavailable: ['InternalServer', true],
  ValidationException: ['Validation', false],
};

/** SageMaker answers "not found" with a ValidationException whose message says it could not find. */
const isCouldNotFind = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ValidationException' && /could not find/i.test(error.message);

const modelled = kit.hostingErrorTranslator([
  // A quota of instances or copies: it clears only when something else changes, so not retryable.
  [ResourceLimitExceeded, 'ServiceQuotaExceeded', false],
  [ConflictException, 'Conflict', false],
  [ResourceInUse, 'Conflict', false],
  [ResourceNotFound, 'ResourceNotFound', false],
]);

/**
 * Translates an error from the SageMaker SDK into a `HostingError` that keeps the original as
 * `cause`; `retryable` says whether the same call may succeed later.
 */
export const toSageMakerHostingError = (error: unknown, action: string): HostingError => {
  if (error instanceof HostingError) return error;
  if (isCouldNotFind(error)) {
    return new HostingError('ResourceNotFound', `${action}: ${(error as Error).message}`, {
      cause: error,
      retryable: false,
    });
  }
  const known =
    error instanceof Error && Object.hasOwn(unmodelled, error.name) ? unmodelled[error.name] : undefined;
  if (known) {
    return new HostingError(known[0], `${action}: ${(error as Error).message}`, {
      cause: error,
      retryable: known[1],
    });
  }
  return modelled(error, action);
};

const observation = (
  ref: ModelRef,
  serviceStatus: string | undefined,
  desired: number | undefined,
  current: number | undefined,
): Observation => {
  const status = sageMakerComponentStatus(serviceStatus, desired, current);
  const message = sageMakerStatusMessage(status);
  const copies = desired !== undefined && desired > 0 ? desired : undefined;
  return {
    ref,
    state: observedStateOfSageMakerStatus(status),
    ...(status === undefined ? {} : { rawStatus: status }),
    ...(message === undefined ? {} : { message }),
    ...kit.reportedUnits(copies, undefined),
  };
};

const keyOf = (ref: ModelRef): string => (isSageMakerRef(ref) ? sageMakerRefKey(ref) : kit.describeRef(ref));

const sageMakerRef = (ref: ModelRef): SageMakerRef => {
  if (!isSageMakerRef(ref)) throw wrongProvider(ref);
  return ref;
};

const wrongProvider = (ref: ModelRef): HostingError =>
  new HostingError('Validation', `${kit.describeRef(ref)} is not a SageMaker inference component`, {
    retryable: false,
  });

const notFoundMessage = (ref: SageMakerRef): string =>
  `endpoint ${ref.endpointName} has no inference component ${ref.inferenceComponentName}`;

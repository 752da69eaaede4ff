/**
 * The `ModelHost` adapter for SageMaker inference components. The client is injected (built once by
 * `createSageMakerClient`), retries are the SDK's own (adaptive mode), and every SDK exception leaves
 * this module as a `HostingError` with the SDK exception as its `cause`.
 *
 * A start sets the component's copy count to the shift's minimum units, a stop sets it to zero, both
 * with UpdateInferenceComponentRuntimeConfig. The call takes no client token and accepts any count
 * at any time, so the adapter observes the component first. A component that already wants the
 * count asked for (a repeated start while it scales up or runs with those copies, a repeated stop
 * while it scales down or holds none) is answered as accepted without a second request; a start of
 * a component that wants another count, or a stop of one that is starting, is refused as Conflict. A
 * repeated or crossed request is never sent again, whatever the caller's records say.
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
  type CallOptions,
  HostingError,
  type Observation,
  type ObservedState,
  type StartRequest,
  type StopRequest,
} from '../../hosting/model-host.ts';
import * as kit from '../kit/index.ts';
import type { SdkCalls } from '../kit/sdk-model-host.ts';
import { maxCopiesRefused, type SageMakerRef, sageMakerNaming } from './schema.ts';
import { sageMakerComponentStatus, sageMakerStatusReader } from './statuses.ts';

/** Statuses a list summary decides alone; any other needs the component's copy counts. */
const decidedByList: ReadonlySet<string> = new Set(['Failed', 'Deleting', 'Creating']);

/**
 * Ref ownership, error translation and observations for SageMaker inference components. SageMaker
 * models few of its exceptions: validation, throttling, access and server faults arrive as the
 * service exception named by the wire's `__type`, matched by name. A quota of instances or copies
 * clears only when something else changes, so it is not retryable. "Not found" is a
 * ValidationException whose message says it could not find: the calls below read it as missing.
 */
const support = kit.hostSupport<SageMakerRef>({
  ...sageMakerNaming,
  title: 'SageMaker inference component',
  statuses: sageMakerStatusReader,
  notFound: ResourceNotFound,
  errors: [
    ['ThrottlingException', 'Throttling', true],
    [ResourceLimitExceeded, 'ServiceQuotaExceeded', false],
    ['AccessDeniedException', 'AccessDenied', false],
    [ConflictException, 'Conflict', false],
    [ResourceInUse, 'Conflict', false],
    ['InternalFailure', 'InternalServer', true],
    ['ServiceUnavailable', 'InternalServer', true],
    [ResourceNotFound, 'ResourceNotFound', false],
    ['ValidationException', 'Validation', false],
  ],
});

/** A start and a stop are both a new copy count, which the answer does not name a status for. */
const calls: SdkCalls<SageMakerRef> = {
  observe: 'DescribeInferenceComponent',
  observeBatch: (batch) => `ListInferenceComponents ${batch[0]?.endpointName}`,
  start: 'UpdateInferenceComponentRuntimeConfig',
  stop: 'UpdateInferenceComponentRuntimeConfig',
  starting: 'ScalingUp',
  stopping: 'ScalingDown',
};

/** SageMaker inference components behind the `ModelHost` interface. */
export class SageMakerModelHost extends kit.SdkModelHost<SageMakerRef> {
  readonly provider = 'sagemaker' as const;
  readonly supportsClientToken = false;

  /** @param client - built once per process by `createSageMakerClient`, shared across calls */
  constructor(private readonly client: SageMakerClient) {
    super(support, calls);
  }

  /** One DescribeInferenceComponent. */
  protected observeOne(target: SageMakerRef, options: CallOptions): Promise<Observation> {
    return this.#describe(target, options);
  }

  /**
   * Lists the endpoint's components, then describes each listed component whose copy counts decide
   * its state: the list's summaries carry the status but not the counts. A component the list does
   * not hold is missing without a further call; a failed describe is the result of its own ref.
   */
  protected async observeBatch(
    batch: readonly SageMakerRef[],
    options: CallOptions,
  ): Promise<(ref: SageMakerRef) => Observation> {
    const listed = await this.#list(batch[0]?.endpointName ?? '', options);
    const found = new Map<string, Observation | HostingError>();
    for (const ref of batch) {
      const summary = listed.get(ref.inferenceComponentName);
      if (!summary) {
        found.set(ref.inferenceComponentName, kit.missing(ref, notFoundMessage(ref)));
      } else if (decidedByList.has(summary.InferenceComponentStatus ?? '')) {
        found.set(ref.inferenceComponentName, observation(ref, summary.InferenceComponentStatus));
      } else {
        found.set(
          ref.inferenceComponentName,
          await support
            .observing(ref, `DescribeInferenceComponent ${support.keyOf(ref)}`, () =>
              this.#describe(ref, options),
            )
            .catch((error: HostingError) => error),
        );
      }
    }
    return (ref) => {
      const result = found.get(ref.inferenceComponentName);
      if (result === undefined || result instanceof HostingError) throw result;
      return result;
    };
  }

  /** One ListInferenceComponents (every page) per endpoint. */
  protected batches(refs: readonly SageMakerRef[]): SageMakerRef[][] {
    return kit.groupedBy(refs, (ref) => ref.endpointName);
  }

  /**
   * Scales the component to `minInferenceUnits` copies, once it is seen with none wanted (stopped,
   * or failed); one that already wants that many is accepted as it is. The client token is
   * ignored: the API has none.
   */
  protected sendStart(target: SageMakerRef, request: StartRequest, options: CallOptions) {
    if (request.maxInferenceUnits !== undefined) {
      throw new HostingError('Validation', `${support.keyOf(target)}: ${maxCopiesRefused}`, {
        retryable: false,
      });
    }
    if (!Number.isInteger(request.minInferenceUnits) || request.minInferenceUnits < 1) {
      throw new HostingError(
        'Validation',
        `${support.keyOf(target)}: a start needs at least 1 copy, not ${request.minInferenceUnits}`,
        { retryable: false },
      );
    }
    return this.#scale(target, request.minInferenceUnits, ['stopped', 'failed'], options);
  }

  /**
   * Scales a hosted component to zero copies; one that already wants none (scaling down, or at
   * zero) is accepted as it is. The client token is ignored: the API has none.
   */
  protected sendStop(target: SageMakerRef, _request: StopRequest, options: CallOptions) {
    return this.#scale(target, 0, ['hosted'], options);
  }

  async #scale(
    target: SageMakerRef,
    copies: number,
    from: readonly ObservedState[],
    options: CallOptions,
  ): Promise<{ Status?: string }> {
    const action = `UpdateInferenceComponentRuntimeConfig ${support.keyOf(target)}`;
    const seen = await this.#describe(target, options);
    if (seen.state === 'missing') {
      throw new HostingError('ResourceNotFound', `${action}: ${seen.message}`, { retryable: false });
    }
    // The desired count is what the service works toward: asking for it again changes nothing.
    if (wantsAlready(seen, copies)) return seen.rawStatus === undefined ? {} : { Status: seen.rawStatus };
    if (!from.includes(seen.state)) {
      const message = `${action}: the component is ${seen.state} (${seen.rawStatus}); not scaled to ${copies}`;
      // The observation is the cause: no request was sent.
      throw new HostingError('Conflict', message, { cause: new Error(message), retryable: false });
    }
    try {
      await this.client.send(
        new UpdateInferenceComponentRuntimeConfigCommand({
          InferenceComponentName: target.inferenceComponentName,
          DesiredRuntimeConfig: { CopyCount: copies },
        }),
        kit.sendOptions(options),
      );
    } catch (error) {
      if (isCouldNotFind(error)) {
        throw new HostingError('ResourceNotFound', `${action}: ${(error as Error).message}`, {
          cause: error,
          retryable: false,
        });
      }
      throw error;
    }
    // The answer names no status: the accepted status follows from the count asked for.
    return {};
  }

  async #describe(target: SageMakerRef, options: CallOptions): Promise<Observation> {
    let described: DescribeInferenceComponentCommandOutput;
    try {
      described = await this.client.send(
        new DescribeInferenceComponentCommand({ InferenceComponentName: target.inferenceComponentName }),
        kit.sendOptions(options),
      );
    } catch (error) {
      if (isCouldNotFind(error)) return kit.missing(target, (error as Error).message);
      throw error;
    }
    if (described.EndpointName !== target.endpointName) {
      return kit.missing(
        target,
        `the inference component ${target.inferenceComponentName} is on endpoint ${described.EndpointName}, not ${target.endpointName}`,
      );
    }
    const runtime = described.RuntimeConfig;
    return observation(
      target,
      described.InferenceComponentStatus,
      runtime?.DesiredCopyCount,
      runtime?.CurrentCopyCount,
      described.FailureReason,
    );
  }

  /** Every page of ListInferenceComponents of one endpoint, by component name. */
  async #list(endpointName: string, options: CallOptions): Promise<Map<string, InferenceComponentSummary>> {
    const found = new Map<string, InferenceComponentSummary>();
    for await (const page of kit.pages((token) =>
      this.client.send(
        new ListInferenceComponentsCommand({ EndpointNameEquals: endpointName, ...token }),
        kit.sendOptions(options),
      ),
    )) {
      for (const summary of page.InferenceComponents ?? []) {
        if (summary.InferenceComponentName !== undefined && summary.EndpointName === endpointName) {
          found.set(summary.InferenceComponentName, summary);
        }
      }
    }
    return found;
  }
}

/** Whether an observed component already wants `copies`: scaling to them, or holding them. */
const wantsAlready = (seen: Observation, copies: number): boolean =>
  copies === 0
    ? seen.state === 'stopping' || seen.state === 'stopped'
    : (seen.state === 'starting' || seen.state === 'hosted') && seen.minInferenceUnits === copies;

/** SageMaker answers "not found" with a ValidationException whose message says it could not find. */
const isCouldNotFind = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ValidationException' && /could not find/i.test(error.message);

/**
 * What the service reported about a component, its status read with its copy counts; a failed
 * scale-up's reason is its message.
 */
const observation = (
  ref: SageMakerRef,
  serviceStatus: string | undefined,
  desired?: number,
  current?: number,
  failureReason?: string,
): Observation => {
  const status = sageMakerComponentStatus(serviceStatus, desired, current);
  return support.observation(ref, {
    Status: status,
    ...(status === 'Failed' && failureReason !== undefined ? { StatusMessage: failureReason } : {}),
    MinInferenceUnits: desired !== undefined && desired > 0 ? desired : undefined,
  });
};

const notFoundMessage = (ref: SageMakerRef): string =>
  `endpoint ${ref.endpointName} has no inference component ${ref.inferenceComponentName}`;

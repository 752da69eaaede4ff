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
import type { HostSupport } from './host-support.ts';
import { observeInBatches } from './observations.ts';

/** The names of a service's calls, for messages, and the statuses it answers an accepted start or stop with. */
export interface SdkCalls<Ref extends ModelRef> {
  readonly observe: string;
  /** The observing call of a batch, with what it asked about (`ListModels circuit-boards`). */
  observeBatch(batch: readonly Ref[]): string;
  readonly start: string;
  readonly stop: string;
  /** The status of a model whose start was accepted, for an answer that names none. */
  readonly starting: string;
  /** The status of a model whose stop was accepted, for an answer that names none. */
  readonly stopping: string;
}

/**
 * A `ModelHost` over one service's SDK: it owns its refs, translates every failure and reads
 * observations with its `HostSupport`, so a provider's host is only its calls: how to observe one
 * model, how to batch and observe many, and how to send a start and a stop.
 */
export abstract class SdkModelHost<Ref extends ModelRef> implements ModelHost {
  abstract readonly provider: string;
  abstract readonly supportsClientToken: boolean;

  /**
   * @param support - the service's ref ownership, error translation and status reading
   * @param calls - the service's call names and accepted statuses
   */
  constructor(
    protected readonly support: HostSupport<Ref>,
    private readonly calls: SdkCalls<Ref>,
  ) {}

  observe(ref: ModelRef, options: CallOptions = {}): Promise<Observation> {
    const target = this.support.target(ref);
    return this.support.observing(ref, `${this.calls.observe} ${this.support.keyOf(ref)}`, () =>
      this.observeOne(target, options),
    );
  }

  /** One call per batch, one after another to stay far under the service's request quota. */
  observeMany(
    refs: readonly ModelRef[],
    options: CallOptions = {},
  ): Promise<Map<string, Observation | HostingError>> {
    return observeInBatches<Ref>(refs, {
      ...this.support,
      batches: (own) => this.batches(own),
      observeBatch: (batch) => this.observeBatch(batch, options),
      failed: (error, batch, ref) =>
        this.support.failedObservation(error, ref, this.calls.observeBatch(batch)),
    });
  }

  start(ref: ModelRef, request: StartRequest, options: CallOptions = {}): Promise<Accepted> {
    const target = this.support.target(ref);
    return this.support.changing(`${this.calls.start} ${this.support.keyOf(ref)}`, this.calls.starting, () =>
      this.sendStart(target, request, options),
    );
  }

  stop(ref: ModelRef, request: StopRequest, options: CallOptions = {}): Promise<Accepted> {
    const target = this.support.target(ref);
    return this.support.changing(`${this.calls.stop} ${this.support.keyOf(ref)}`, this.calls.stopping, () =>
      this.sendStop(target, request, options),
    );
  }

  /** Observes one model; a failure it throws is translated, or is the model's absence. */
  protected abstract observeOne(target: Ref, options: CallOptions): Promise<Observation>;
  /** The host's refs as the calls to make, one batch per call. */
  protected abstract batches(refs: readonly Ref[]): readonly (readonly Ref[])[];
  /** Makes one batch's call; its answer says what it found for each ref of the batch. */
  protected abstract observeBatch(
    batch: readonly Ref[],
    options: CallOptions,
  ): Promise<(ref: Ref) => Observation>;
  /** Sends a start; resolves with the service's answer. */
  protected abstract sendStart(
    target: Ref,
    request: StartRequest,
    options: CallOptions,
  ): Promise<{ Status?: string | undefined }>;
  /** Sends a stop; resolves with the service's answer. */
  protected abstract sendStop(
    target: Ref,
    request: StopRequest,
    options: CallOptions,
  ): Promise<{ Status?: string | undefined }>;
}

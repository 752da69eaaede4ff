/**
 * The hosting side of the scheduler: the one interface every provider's adapter implements (the
 * adapters live in `src/providers/<id>/host.ts`).
 *
 * Services name their models differently (Lookout for Vision by project and version, Rekognition
 * Custom Labels by project ARN and version name) and not all accept a client token, but all bill
 * per inference-unit hour from start to stop, so the scheduler needs the same four things from
 * each: observe one, observe many, start with units, stop.
 */

import { SchedulerError } from '../errors.ts';

/**
 * Where a model lives: the provider's id and the provider's own fields (each provider's
 * `schema.ts` says which). Its stable key comes from the provider (`refKey` in the registry).
 */
export interface ModelRef {
  readonly provider: string;
  readonly [field: string]: string;
}

/** The small set of states the scheduler reasons about, whatever the service calls them. */
export type ObservedState =
  | 'stopped'
  | 'starting'
  | 'hosted'
  | 'failed'
  | 'stopping'
  | 'updating'
  | 'missing';

export interface Observation {
  readonly ref: ModelRef;
  readonly state: ObservedState;
  /** The service's own status word (`HOSTED`, `RUNNING`, …); absent when the model is missing. */
  readonly rawStatus?: string;
  readonly message?: string;
  /** Units as the service reports them, where the observing call returns them. */
  readonly minInferenceUnits?: number;
  readonly maxInferenceUnits?: number;
}

export interface StartRequest {
  readonly minInferenceUnits: number;
  readonly maxInferenceUnits?: number;
  /** 1–64 of `[a-zA-Z0-9-]`. Ignored by services without tokens (see `supportsClientToken`). */
  readonly clientToken: string;
}

export interface StopRequest {
  readonly clientToken: string;
}

export interface CallOptions {
  /** Aborts the call (and the SDK's retries), e.g. when the Lambda is about to time out. */
  readonly signal?: AbortSignal;
}

/** What the service answered to a start or stop that it accepted. */
export interface Accepted {
  readonly rawStatus: string;
  readonly state: ObservedState;
}

export interface ModelHost {
  /** The id of the provider whose models this host starts and stops. */
  readonly provider: string;
  /** Whether the service itself deduplicates a repeated start or stop with the same client token. */
  readonly supportsClientToken: boolean;
  /** Observes one model. A model the service does not know is `missing`, not an error. */
  observe(ref: ModelRef, options?: CallOptions): Promise<Observation>;
  /**
   * Observes many models with as few calls as the service allows (one list call per project for
   * Lookout for Vision). Models the service does not know come back `missing`. A failure of one
   * project's call is returned for the refs of that project, not thrown.
   */
  observeMany(
    refs: readonly ModelRef[],
    options?: CallOptions,
  ): Promise<Map<string, Observation | HostingError>>;
  /** Asks the service to start hosting; resolves once the service has accepted the request. */
  start(ref: ModelRef, request: StartRequest, options?: CallOptions): Promise<Accepted>;
  /** Asks the service to stop hosting; resolves once the service has accepted the request. */
  stop(ref: ModelRef, request: StopRequest, options?: CallOptions): Promise<Accepted>;
}

/** The project's names for what a hosting service can answer instead of doing what was asked. */
export type HostingErrorCode =
  | 'Throttling'
  | 'Conflict'
  | 'ResourceNotFound'
  | 'Validation'
  | 'AccessDenied'
  | 'InternalServer'
  | 'ServiceQuotaExceeded'
  | 'Aborted'
  | 'Unknown';

const retryableCodes: ReadonlySet<HostingErrorCode> = new Set(['Throttling', 'InternalServer', 'Unknown']);

/** A hosting call that did not do what was asked, translated from the service's own exception. */
export class HostingError extends SchedulerError {
  override readonly name = 'HostingError';
  /** Whether the same call might succeed later without anything else changing. */
  readonly retryable: boolean;

  constructor(
    readonly code: HostingErrorCode,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options?.retryable ?? retryableCodes.has(code);
  }

  static is(error: unknown, code?: HostingErrorCode): error is HostingError {
    return error instanceof HostingError && (code === undefined || error.code === code);
  }
}

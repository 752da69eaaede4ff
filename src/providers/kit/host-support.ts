import {
  type Accepted,
  HostingError,
  type ModelRef,
  type Observation,
  type StartRequest,
} from '../../hosting/model-host.ts';
import {
  hostingErrorTranslator,
  type SdkErrorTranslations,
  type SdkExceptionClass,
} from './hosting-errors.ts';
import { accepted, missing, reportedUnits } from './observations.ts';
import { describeRef } from './refs.ts';
import type { StatusReader } from './statuses.ts';

/** How the services' SDKs describe a model: the same field names in each. */
export interface DescribedModel {
  readonly Status?: string | undefined;
  readonly StatusMessage?: string | undefined;
  readonly MinInferenceUnits?: number | undefined;
  readonly MaxInferenceUnits?: number | undefined;
}

/** What a host adapter tells the kit about its service. */
export interface HostSupportSpec<Ref extends ModelRef> {
  /** The service's name, for people. */
  readonly title: string;
  isRef(ref: ModelRef): ref is Ref;
  refKey(ref: Ref): string;
  readonly statuses: StatusReader;
  /** The SDK exception that means the service does not know the model: an observation, not a failure. */
  readonly notFound: SdkExceptionClass;
  /** The service's SDK exceptions and what each becomes. */
  readonly errors: SdkErrorTranslations;
}

/** The parts every host adapter needs, bound to one service. */
export interface HostSupport<Ref extends ModelRef> {
  /** The map key of a ref: its owner's key, or its provider and fields for a ref of another provider. */
  keyOf(ref: ModelRef): string;
  /** `ref` as one of this host's refs, or undefined when it belongs to another provider. */
  own(ref: ModelRef): Ref | undefined;
  /** The answer for a ref of another provider. */
  foreign(ref: ModelRef): HostingError;
  /** `ref` as one of this host's refs. @throws HostingError (Validation) for a ref of another provider */
  target(ref: ModelRef): Ref;
  /** An SDK failure as a `HostingError` that keeps it as `cause`, `action` naming the call. */
  translate(error: unknown, action: string): HostingError;
  /** What the service reported about a model, in the scheduler's terms. */
  observation(ref: ModelRef, described: DescribedModel): Observation;
  /** What a failed observing call means for `ref`: missing when the service does not know it. */
  failedObservation(error: unknown, ref: ModelRef, action: string): Observation | HostingError;
  /** One observing call, its failure translated and thrown unless it says the model is missing. */
  observing(ref: ModelRef, action: string, call: () => Promise<Observation>): Promise<Observation>;
  /**
   * One start or stop call; `pending` is the status the service is in once it has accepted one, for an
   * answer that names none.
   */
  changing(
    action: string,
    pending: string,
    call: () => Promise<{ Status?: string | undefined }>,
  ): Promise<Accepted>;
}

/**
 * The parts every host adapter needs, from what the adapter says about its service: ownership of
 * refs, error translation, and observations read off the SDK's answers.
 */
export const hostSupport = <Ref extends ModelRef>(spec: HostSupportSpec<Ref>): HostSupport<Ref> => {
  const translate = hostingErrorTranslator(spec.errors);
  const foreign = (ref: ModelRef): HostingError =>
    new HostingError('Validation', `${describeRef(ref)} is not a ${spec.title} model`, { retryable: false });
  const failedObservation = (error: unknown, ref: ModelRef, action: string): Observation | HostingError =>
    error instanceof spec.notFound ? missing(ref, error.message) : translate(error, action);
  return {
    keyOf: (ref) => (spec.isRef(ref) ? spec.refKey(ref) : describeRef(ref)),
    own: (ref) => (spec.isRef(ref) ? ref : undefined),
    foreign,
    target: (ref) => {
      if (!spec.isRef(ref)) throw foreign(ref);
      return ref;
    },
    translate,
    observation: (ref, described) => {
      const status = described.Status;
      const message = spec.statuses.messageOf(status) ?? described.StatusMessage;
      return {
        ref,
        state: spec.statuses.stateOf(status),
        ...(status === undefined ? {} : { rawStatus: status }),
        ...(message === undefined ? {} : { message }),
        ...reportedUnits(described.MinInferenceUnits, described.MaxInferenceUnits),
      };
    },
    failedObservation,
    observing: async (ref, action, call) => {
      try {
        return await call();
      } catch (error) {
        const answer = failedObservation(error, ref, action);
        if (answer instanceof HostingError) throw answer;
        return answer;
      }
    },
    changing: async (action, pending, call) => {
      try {
        const { Status } = await call();
        return accepted(Status ?? pending, spec.statuses.stateOf);
      } catch (error) {
        throw translate(error, action);
      }
    },
  };
};

/** The inference units of a start request as the SDKs name them, leaving out an unset maximum. */
export const requestedUnits = (
  request: StartRequest,
): { MinInferenceUnits: number; MaxInferenceUnits?: number } => ({
  MinInferenceUnits: request.minInferenceUnits,
  ...(request.maxInferenceUnits === undefined ? {} : { MaxInferenceUnits: request.maxInferenceUnits }),
});

/**
 * Every page of a paginated SDK call, one request after another.
 *
 * @param fetch - makes one request with the page token it is given (none for the first page)
 */
export async function* pages<Page extends { NextToken?: string | undefined }>(
  fetch: (token: { NextToken?: string }) => Promise<Page>,
): AsyncGenerator<Page> {
  let nextToken: string | undefined;
  do {
    const page = await fetch(nextToken === undefined ? {} : { NextToken: nextToken });
    yield page;
    nextToken = page.NextToken;
  } while (nextToken);
}

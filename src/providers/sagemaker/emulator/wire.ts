/**
 * SageMaker's exceptions and request rules as its AWS JSON 1.1 protocol states them: the HTTP status
 * of each exception, the name pattern, and how the kernel's faults are answered.
 */
import type { FaultErrors } from '../../../emulator/kernel.ts';
import { type ServiceError, serviceErrors } from '../../../emulator/service-error.ts';

/**
 * The phases of an inference component's copies as the engine drives them; each is shown on the
 * wire as an `InferenceComponentStatus` with its `RuntimeConfig` copy counts.
 */
export type ComponentPhase =
  | 'ScaledToZero'
  | 'ScalingUp'
  | 'InService'
  | 'ScalingDown'
  | 'Failed'
  | 'Creating'
  | 'Deleting';

/** The operations the emulator serves. */
export type SageMakerApiName =
  | 'UpdateInferenceComponentRuntimeConfig'
  | 'DescribeInferenceComponent'
  | 'ListInferenceComponents'
  | 'ListEndpoints'
  | 'DescribeEndpoint';

export const sageMakerApiNames: readonly SageMakerApiName[] = [
  'UpdateInferenceComponentRuntimeConfig',
  'DescribeInferenceComponent',
  'ListInferenceComponents',
  'ListEndpoints',
  'DescribeEndpoint',
];

/** One inference component, addressed by its endpoint and its own name. */
export interface ComponentAddress {
  readonly endpointName: string;
  readonly inferenceComponentName: string;
}

/** A JSON 1.1 request: the operation from `X-Amz-Target` and the parsed, not yet validated, body. */
export interface SageMakerApiRequest {
  readonly api: SageMakerApiName;
  readonly body: unknown;
}

/** The exceptions the emulator answers with, named as the service names them. */
export type SageMakerErrorType =
  | 'AccessDeniedException'
  | 'ConflictException'
  | 'InternalFailure'
  | 'ResourceLimitExceeded'
  | 'ResourceNotFound'
  | 'ThrottlingException'
  | 'ValidationException';

/**
 * The HTTP status of each exception: client errors are 400s told apart by `__type`, the server
 * fault a 500 (which the SDK retries).
 */
export const sageMakerHttpStatusOf: Readonly<Record<SageMakerErrorType, number>> = {
  AccessDeniedException: 400,
  ConflictException: 400,
  InternalFailure: 500,
  ResourceLimitExceeded: 400,
  ResourceNotFound: 400,
  ThrottlingException: 400,
  ValidationException: 400,
};

export const sageMakerErrorTypes = Object.keys(sageMakerHttpStatusOf) as readonly SageMakerErrorType[];

/** A SageMaker exception, with the HTTP status the service gives it. */
export const sageMakerError = serviceErrors(sageMakerHttpStatusOf);

/** ValidationException, SageMaker's word for a request that breaks a rule, and for "not found". */
export const validation = (message: string): ServiceError => sageMakerError('ValidationException', message);

/** An endpoint or inference component name as the service allows it. */
export const namePattern = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;

const throttled = (message: string, retryAfterSeconds: number): ServiceError =>
  sageMakerError('ThrottlingException', message, {}, retryAfterSeconds);

/** How SageMaker answers the kernel's quota and faults. */
export const faultErrors: FaultErrors<SageMakerApiName, SageMakerErrorType> = {
  throttled: (_api, message, retryAfterSeconds) => throttled(message, retryAfterSeconds),
  internal: () => sageMakerError('InternalFailure', 'An internal error occurred.'),
  injected: (spec, _scope, retryAfterSeconds) => {
    const message = spec.message ?? `Injected ${spec.error} for ${spec.api}.`;
    return spec.error === 'ThrottlingException'
      ? throttled(message, retryAfterSeconds)
      : sageMakerError(spec.error, message);
  },
};

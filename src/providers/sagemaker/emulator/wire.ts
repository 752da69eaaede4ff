/**
 * SageMaker's exceptions and request rules as its AWS JSON 1.1 protocol states them: the HTTP status
 * of each exception, the name pattern, and the description the shared engine serves it by (how the
 * kernel's faults are answered included).
 */
import type { ServiceDescription } from '../../../emulator/hosting-engine.ts';
import { plainFaultErrors } from '../../../emulator/kernel.ts';
import { type ServiceError, serviceErrors } from '../../../emulator/service-error.ts';
import { awsJson11, type JsonRequest } from '../../../emulator/wire.ts';

/**
 * The phases of an inference component's copies as the engine drives them, and what the emulator
 * says of a component in each; each is shown on the wire as an `InferenceComponentStatus` with its
 * `RuntimeConfig` copy counts.
 */
export const componentPhaseMessages = {
  ScaledToZero: 'The inference component is in service with no copies.',
  ScalingUp: 'The inference component is scaling up its copies.',
  InService: 'The inference component is in service.',
  ScalingDown: 'The inference component is scaling down its copies.',
  Failed: 'The inference component could not place its copies.',
  Creating: 'The inference component is being created.',
  Deleting: 'The inference component is being deleted.',
} as const;

export type ComponentPhase = keyof typeof componentPhaseMessages;

export const componentPhases = Object.keys(componentPhaseMessages) as [ComponentPhase, ...ComponentPhase[]];

/** The operations the emulator serves: the scheduler's, and the read calls a person tries first. */
export const sageMakerApiNames = [
  'UpdateInferenceComponentRuntimeConfig',
  'DescribeInferenceComponent',
  'ListInferenceComponents',
  'ListEndpoints',
  'DescribeEndpoint',
] as const;

export type SageMakerApiName = (typeof sageMakerApiNames)[number];

/** One inference component, addressed by its endpoint and its own name. */
export interface ComponentAddress {
  readonly endpointName: string;
  readonly inferenceComponentName: string;
}

/** A JSON 1.1 request: the operation from `X-Amz-Target` and the parsed, not yet validated, body. */
export type SageMakerApiRequest = JsonRequest<SageMakerApiName>;

/**
 * The exceptions the emulator answers with, named as the service names them, and the HTTP status of
 * each: client errors are 400s told apart by `__type`, the server fault a 500 (which the SDK retries).
 */
export const sageMakerHttpStatusOf = {
  AccessDeniedException: 400,
  ConflictException: 400,
  InternalFailure: 500,
  ResourceLimitExceeded: 400,
  ResourceNotFound: 400,
  ThrottlingException: 400,
  ValidationException: 400,
} as const satisfies Readonly<Record<string, number>>;

export type SageMakerErrorType = keyof typeof sageMakerHttpStatusOf;

/** A SageMaker exception, with the HTTP status the service gives it. */
export const sageMakerError = serviceErrors(sageMakerHttpStatusOf);

export const sageMakerErrorTypes: readonly SageMakerErrorType[] = sageMakerError.types;

/** ValidationException, SageMaker's word for a request that breaks a rule, and for "not found". */
export const validation = (message: string): ServiceError => sageMakerError('ValidationException', message);

/** An endpoint or inference component name as the service allows it. */
export const namePattern = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;

/** SageMaker inference components as the kernel serves them: JSON 1.1, components by endpoint and name. */
export const sageMakerService: ServiceDescription<{
  api: SageMakerApiName;
  errorType: SageMakerErrorType;
  address: ComponentAddress;
}> = {
  service: 'sagemaker',
  protocol: awsJson11,
  noun: 'inference component',
  apiNames: sageMakerApiNames,
  errors: sageMakerError,
  // Its exceptions carry only a message; a random fault is an InternalFailure.
  faultErrors: plainFaultErrors(sageMakerError, {
    type: 'InternalFailure',
    message: 'An internal error occurred.',
  }),
  addressKeys: ['endpointName', 'inferenceComponentName'],
};

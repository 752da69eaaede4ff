/**
 * Rekognition's exceptions and request rules as its AWS JSON 1.1 protocol states them: the HTTP
 * status of each exception, name and ARN patterns.
 */
import type { ServiceDescription } from '../../../emulator/hosting-engine.ts';
import { type FaultErrors, plainFaultErrors } from '../../../emulator/kernel.ts';
import { type ServiceError, serviceErrors } from '../../../emulator/service-error.ts';
import { awsJson11, type JsonRequest } from '../../../emulator/wire.ts';

/** Every status a Rekognition Custom Labels project version can have. */
export type ProjectVersionStatus =
  | 'TRAINING_IN_PROGRESS'
  | 'TRAINING_COMPLETED'
  | 'TRAINING_FAILED'
  | 'STARTING'
  | 'RUNNING'
  | 'FAILED'
  | 'STOPPING'
  | 'STOPPED'
  | 'DELETING'
  | 'COPYING_IN_PROGRESS'
  | 'COPYING_COMPLETED'
  | 'COPYING_FAILED'
  | 'DEPRECATED'
  | 'EXPIRED';

/** The operations the emulator serves: the scheduler's, and DescribeProjects for a person looking around. */
export type RekognitionApiName =
  | 'StartProjectVersion'
  | 'StopProjectVersion'
  | 'DescribeProjectVersions'
  | 'DescribeProjects';

export const rekognitionApiNames: readonly RekognitionApiName[] = [
  'StartProjectVersion',
  'StopProjectVersion',
  'DescribeProjectVersions',
  'DescribeProjects',
];

/** One project version, addressed by names (the ARNs follow from them and the creation instant). */
export interface VersionAddress {
  readonly projectName: string;
  readonly versionName: string;
}

/** A JSON 1.1 request: the operation from `X-Amz-Target` and the parsed, not yet validated, body. */
export type RekognitionApiRequest = JsonRequest<RekognitionApiName>;

/** The exceptions the emulator answers with, named as the service names them. */
export type RekognitionErrorType =
  | 'AccessDeniedException'
  | 'InternalServerError'
  | 'InvalidPaginationTokenException'
  | 'InvalidParameterException'
  | 'LimitExceededException'
  | 'ProvisionedThroughputExceededException'
  | 'ResourceInUseException'
  | 'ResourceNotFoundException'
  | 'ThrottlingException';

/**
 * The HTTP status of each exception as the Rekognition API reference lists it: every client error
 * is a 400 (the JSON 1.1 protocol tells them apart by `__type`), the two server faults are 500s.
 */
const httpStatusOf: Readonly<Record<RekognitionErrorType, number>> = {
  AccessDeniedException: 400,
  InternalServerError: 500,
  InvalidPaginationTokenException: 400,
  InvalidParameterException: 400,
  LimitExceededException: 400,
  ProvisionedThroughputExceededException: 400,
  ResourceInUseException: 400,
  ResourceNotFoundException: 400,
  ThrottlingException: 500,
};

/** A Rekognition exception, with the HTTP status the service gives it. */
export const rekognitionError = serviceErrors(httpStatusOf);

/** InvalidParameterException, Rekognition's word for a request that breaks a rule. */
export const invalidParameter = (message: string): ServiceError =>
  rekognitionError('InvalidParameterException', message);

export const namePattern = /^[a-zA-Z0-9_.-]{1,255}$/;
const projectArnPattern =
  /^arn:aws:rekognition:([a-z0-9-]+):(\d{12}):project\/([a-zA-Z0-9_.-]{1,255})\/(\d+)$/;
const versionArnPattern =
  /^arn:aws:rekognition:([a-z0-9-]+):(\d{12}):project\/([a-zA-Z0-9_.-]{1,255})\/version\/([a-zA-Z0-9_.-]{1,255})\/(\d+)$/;

/** Parses a project ARN into its name; undefined when it is not one. */
export const projectNameOfArn = (arn: string): string | undefined => projectArnPattern.exec(arn)?.[3];

/** Parses a project version ARN into its project and version names; undefined when it is not one. */
export const versionOfArn = (arn: unknown): { projectName: string; versionName: string } | undefined => {
  const match = typeof arn === 'string' ? versionArnPattern.exec(arn) : null;
  return match?.[3] && match[4] ? { projectName: match[3], versionName: match[4] } : undefined;
};

/** How Rekognition answers the kernel's quota and faults. */
export const faultErrors: FaultErrors<RekognitionApiName, RekognitionErrorType> = plainFaultErrors(
  rekognitionError,
  { type: 'InternalServerError', message: 'Internal server error.' },
);

/** Rekognition Custom Labels as the kernel serves it: JSON 1.1, versions by project and version name. */
export const rekognitionService: ServiceDescription<{
  api: RekognitionApiName;
  errorType: RekognitionErrorType;
  address: VersionAddress;
}> = {
  service: 'rekognition',
  protocol: awsJson11,
  noun: 'project version',
  apiNames: rekognitionApiNames,
  errors: rekognitionError,
  faultErrors,
  addressKeys: ['projectName', 'versionName'],
};

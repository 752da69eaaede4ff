/**
 * Lookout for Vision's exceptions and request rules as its REST-JSON protocol states them: the HTTP
 * status of each exception, name patterns, client tokens and inference units.
 */
import type { RequestScope } from '../../../emulator/faults.ts';
import type { ServiceDescription } from '../../../emulator/hosting-engine.ts';
import type { FaultErrors } from '../../../emulator/kernel.ts';
import type { Units } from '../../../emulator/ledger.ts';
import { parseUnits as parseKernelUnits } from '../../../emulator/requests.ts';
import { type ServiceError, serviceErrors } from '../../../emulator/service-error.ts';
import { restJson } from '../../../emulator/wire.ts';

/** Every status a Lookout for Vision model version can have. */
export type ModelStatus =
  | 'TRAINING'
  | 'TRAINED'
  | 'TRAINING_FAILED'
  | 'STARTING_HOSTING'
  | 'HOSTED'
  | 'HOSTING_FAILED'
  | 'STOPPING_HOSTING'
  | 'SYSTEM_UPDATING'
  | 'DELETING';

/** The operations the engine serves. */
export type LookoutVisionApiName =
  | 'StartModel'
  | 'StopModel'
  | 'DescribeModel'
  | 'ListModels'
  | 'DetectAnomalies'
  | 'ListProjects'
  | 'DescribeProject';

export const lookoutVisionApiNames: readonly LookoutVisionApiName[] = [
  'StartModel',
  'StopModel',
  'DescribeModel',
  'ListModels',
  'DetectAnomalies',
  'ListProjects',
  'DescribeProject',
];

/** One model version, addressed the way the service addresses it. */
export interface ModelAddress {
  readonly projectName: string;
  readonly modelVersion: string;
}

/** A request on an AWS path, decoded from HTTP. */
export type ApiRequest =
  | {
      readonly api: 'StartModel';
      readonly projectName: string;
      readonly modelVersion: string;
      readonly clientToken?: string;
      /** The parsed JSON body, not yet validated. */
      readonly body: unknown;
    }
  | {
      readonly api: 'StopModel';
      readonly projectName: string;
      readonly modelVersion: string;
      readonly clientToken?: string;
    }
  | { readonly api: 'DescribeModel'; readonly projectName: string; readonly modelVersion: string }
  | {
      readonly api: 'ListModels';
      readonly projectName: string;
      readonly maxResults?: string;
      readonly nextToken?: string;
    }
  | {
      readonly api: 'ListProjects';
      readonly projectName?: undefined;
      readonly maxResults?: string;
      readonly nextToken?: string;
    }
  | { readonly api: 'DescribeProject'; readonly projectName: string }
  | {
      readonly api: 'DetectAnomalies';
      readonly projectName: string;
      readonly modelVersion: string;
      readonly contentType?: string;
      readonly body: Uint8Array;
    };

/** Every exception name Lookout for Vision's control and data plane can answer with. */
export type LookoutVisionErrorType =
  | 'AccessDeniedException'
  | 'ConflictException'
  | 'InternalServerException'
  | 'ResourceNotFoundException'
  | 'ServiceQuotaExceededException'
  | 'ThrottlingException'
  | 'ValidationException';

/** The HTTP status each exception carries (from the service model's `@httpError` traits). */
const httpStatusOf: Readonly<Record<LookoutVisionErrorType, number>> = {
  AccessDeniedException: 403,
  ConflictException: 409,
  InternalServerException: 500,
  ResourceNotFoundException: 404,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  ValidationException: 400,
};

/** A Lookout for Vision exception, with the HTTP status the service gives it. */
export const lookoutVisionError = serviceErrors(httpStatusOf);

export const projectPattern = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,254}$/;
const tokenPattern = /^[a-zA-Z0-9-]{1,64}$/;
const versionPattern = /^([1-9][0-9]*|latest)$/;

// The SDK reads Retry-After as a whole number of seconds.
const throttled = (api: LookoutVisionApiName, message: string, retryAfterSeconds: number): ServiceError =>
  lookoutVisionError(
    'ThrottlingException',
    message,
    { QuotaCode: `L-${api}-TPS`, ServiceCode: 'lookoutvision' },
    retryAfterSeconds,
  );

/** ConflictException about a model: it is not in a status the request needs. */
export const conflict = (modelArn: string, message: string): ServiceError =>
  lookoutVisionError('ConflictException', message, { ResourceId: modelArn, ResourceType: 'MODEL' });

/** ResourceNotFoundException naming the project or model the service does not know. */
export const notFound = (id: string, type: 'PROJECT' | 'MODEL', message: string): ServiceError =>
  lookoutVisionError('ResourceNotFoundException', message, { ResourceId: id, ResourceType: type });

/** How Lookout for Vision answers the kernel's quota and faults. */
export const faultErrors: FaultErrors<LookoutVisionApiName, LookoutVisionErrorType> = {
  throttled,
  internal: () => lookoutVisionError('InternalServerException', 'An internal error occurred.'),
  injected: (spec, scope: RequestScope, retryAfterSeconds) => {
    const message = spec.message ?? `Injected ${spec.error} for ${spec.api}.`;
    switch (spec.error) {
      case 'ThrottlingException':
        return throttled(spec.api, message, retryAfterSeconds);
      case 'ConflictException':
      case 'ResourceNotFoundException':
        return lookoutVisionError(spec.error, message, {
          ResourceId: scope.modelVersion ?? scope.projectName ?? '',
          ResourceType: scope.modelVersion === undefined ? 'PROJECT' : 'MODEL',
        });
      case 'ServiceQuotaExceededException':
        return lookoutVisionError(spec.error, message, {
          QuotaCode: 'L-inference-units',
          ServiceCode: 'lookoutvision',
        });
      default:
        return lookoutVisionError(spec.error, message);
    }
  },
};

/** Lookout for Vision as the kernel serves it: REST-JSON, models by project and version. */
export const lookoutVisionService: ServiceDescription<{
  api: LookoutVisionApiName;
  errorType: LookoutVisionErrorType;
  address: ModelAddress;
}> = {
  service: 'lookoutvision',
  protocol: restJson,
  noun: 'model',
  apiNames: lookoutVisionApiNames,
  errors: lookoutVisionError,
  faultErrors,
  addressKeys: ['projectName', 'modelVersion'],
};

/** Refuses a project name or model version the service would not accept. */
export const validateAddress = (address: ModelAddress): void => {
  if (!projectPattern.test(address.projectName)) {
    throw lookoutVisionError('ValidationException', `Invalid project name: ${address.projectName}`);
  }
  if (!versionPattern.test(address.modelVersion)) {
    throw lookoutVisionError('ValidationException', `Invalid model version: ${address.modelVersion}`);
  }
};

/** Refuses a client token the service would not accept; answers the token otherwise. */
export const validateToken = (token: string | undefined): string | undefined => {
  if (token !== undefined && !tokenPattern.test(token)) {
    throw lookoutVisionError(
      'ValidationException',
      'ClientToken must be 1 to 64 characters of [a-zA-Z0-9-].',
    );
  }
  return token;
};

/** The units of a StartModel body. */
export const parseUnits = (body: unknown): Units => parseKernelUnits(body, invalid);

const invalid = (message: string): ServiceError => lookoutVisionError('ValidationException', message);

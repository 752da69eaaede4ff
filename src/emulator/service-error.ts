/**
 * The exceptions the emulator answers with, shaped as the Lookout for Vision REST-JSON protocol
 * sends them so that the real SDK client deserialises each into its own typed exception.
 */

/** Every exception name Lookout for Vision's control and data plane can answer with. */
export type ServiceErrorType =
  | 'AccessDeniedException'
  | 'ConflictException'
  | 'InternalServerException'
  | 'ResourceNotFoundException'
  | 'ServiceQuotaExceededException'
  | 'ThrottlingException'
  | 'ValidationException';

/** The HTTP status each exception carries (from the service model's `@httpError` traits). */
export const httpStatusOf: Readonly<Record<ServiceErrorType, number>> = {
  AccessDeniedException: 403,
  ConflictException: 409,
  InternalServerException: 500,
  ResourceNotFoundException: 404,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  ValidationException: 400,
};

export const serviceErrorTypes = Object.keys(httpStatusOf) as readonly ServiceErrorType[];

/** Members the service puts next to `message` (ResourceId, ResourceType, QuotaCode, ServiceCode). */
export type ServiceErrorFields = Readonly<Record<string, string>>;

/** An answer that is an exception rather than a result. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  readonly httpStatus: number;

  constructor(
    readonly type: ServiceErrorType,
    message: string,
    readonly fields: ServiceErrorFields = {},
    /** Seconds for the `Retry-After` header (throttling and internal errors). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.httpStatus = httpStatusOf[type];
  }
}

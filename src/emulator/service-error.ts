/**
 * An emulated service's answer that is an exception rather than a result. The engine that throws it
 * names the exception as its service does and gives the HTTP status its service model says; the
 * engine's wire protocol shapes it for the SDK client.
 */

/** Members a service puts next to `message` (ResourceId, ResourceType, QuotaCode, ServiceCode). */
export type ServiceErrorFields = Readonly<Record<string, string>>;

/** An exception of an emulated service, named as that service names it. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';

  constructor(
    /** The exception's name on the wire, e.g. `ThrottlingException`. */
    readonly type: string,
    message: string,
    readonly httpStatus: number,
    readonly fields: ServiceErrorFields = {},
    /** Seconds for the `Retry-After` header (throttling and internal errors). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** One service's exceptions: a factory that names only the exception, and every name it knows. */
export interface ServiceErrors<Type extends string> {
  (type: Type, message: string, fields?: ServiceErrorFields, retryAfterSeconds?: number): ServiceError;
  /** Every exception the service answers with, as the admin API lets a test inject them. */
  readonly types: readonly Type[];
}

/**
 * A factory of one service's exceptions: the HTTP status of each comes from `httpStatusOf`, so an
 * engine names only the exception.
 */
export const serviceErrors = <Type extends string>(
  httpStatusOf: Readonly<Record<Type, number>>,
): ServiceErrors<Type> =>
  Object.assign(
    (type: Type, message: string, fields?: ServiceErrorFields, retryAfterSeconds?: number): ServiceError =>
      new ServiceError(type, message, httpStatusOf[type], fields, retryAfterSeconds),
    { types: Object.keys(httpStatusOf) as Type[] },
  );

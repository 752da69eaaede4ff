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

/**
 * A factory of one service's exceptions: the HTTP status of each comes from `httpStatusOf`, so an
 * engine names only the exception.
 */
export const serviceErrors =
  <Type extends string>(httpStatusOf: Readonly<Record<Type, number>>) =>
  (type: Type, message: string, fields?: ServiceErrorFields, retryAfterSeconds?: number): ServiceError =>
    new ServiceError(type, message, httpStatusOf[type], fields, retryAfterSeconds);

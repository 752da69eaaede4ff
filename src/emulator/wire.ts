/**
 * The two AWS wire protocols the emulated services speak: what a request looks like once read off
 * the socket, what an answer is, and how each protocol shapes an exception so that the real SDK
 * client deserialises it into its own typed exception.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ServiceError } from './service-error.ts';

/** One HTTP request as an engine sees it. */
export interface WireRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What to send back: status, JSON body, extra headers. */
export interface WireResponse {
  readonly httpStatus: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** How a protocol frames answers. */
export interface WireProtocol {
  readonly contentType: string;
  /** An exception as the protocol sends it. */
  errorResponse(error: ServiceError): WireResponse;
  /** The answer to a request that names no operation of the service. */
  unknownOperation(request: WireRequest): WireResponse;
  /** The answer when the emulator itself failed: loud, so a client never hangs on a bug. */
  failure(error: unknown): WireResponse;
}

const retryAfter = (error: ServiceError): Record<string, string> =>
  error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) };

/** REST-JSON (Lookout for Vision): the exception's name in `x-amzn-ErrorType`, its members in the body. */
export const restJson: WireProtocol = {
  contentType: 'application/json',
  errorResponse: (error) => ({
    httpStatus: error.httpStatus,
    body: { message: error.message, ...error.fields },
    headers: { 'x-amzn-ErrorType': error.type, ...retryAfter(error) },
  }),
  unknownOperation: (request) => ({
    httpStatus: 404,
    body: { message: `No operation at ${request.method} ${request.url.pathname}` },
    headers: { 'x-amzn-ErrorType': 'UnknownOperationException' },
  }),
  failure: (error) => ({
    httpStatus: 500,
    body: { message: `emulator failure: ${String(error)}` },
    headers: { 'x-amzn-ErrorType': 'InternalServerException' },
  }),
};

/** AWS JSON 1.1 (Rekognition): `POST /`, the operation in `X-Amz-Target`, the exception in `__type`. */
export const awsJson11: WireProtocol = {
  contentType: 'application/x-amz-json-1.1',
  errorResponse: (error) => ({
    httpStatus: error.httpStatus,
    body: { __type: error.type, Code: error.type, Message: error.message, message: error.message },
    ...(error.retryAfterSeconds === undefined ? {} : { headers: retryAfter(error) }),
  }),
  unknownOperation: (request) => ({
    httpStatus: 400,
    body: {
      __type: 'UnknownOperationException',
      message: `No operation for ${request.method} ${request.url.pathname}${request.url.search} with X-Amz-Target ${headerOf(request, 'x-amz-target') ?? ''}`,
    },
  }),
  failure: (error) => ({
    httpStatus: 500,
    body: { __type: 'InternalServerError', message: `emulator failure: ${String(error)}` },
  }),
};

/** One header's value (the first, when it was sent twice). */
export const headerOf = (request: Pick<WireRequest, 'headers'>, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The operation an AWS JSON 1.1 request names with `X-Amz-Target: <prefix>.<Op>`, or undefined when
 * the request targets another service.
 */
export const jsonTarget = (request: WireRequest, prefix: string): string | undefined => {
  const target = headerOf(request, 'x-amz-target');
  return target?.startsWith(`${prefix}.`) ? target.slice(prefix.length + 1) : undefined;
};

/** An AWS JSON 1.1 request: the operation from `X-Amz-Target` and the parsed, not yet validated, body. */
export interface JsonRequest<Api extends string> {
  readonly api: Api;
  readonly body: unknown;
}

/**
 * The request an AWS JSON 1.1 target `<prefix>.<Op>` names when `Op` is one of `apiNames`, or the
 * protocol's answer when it names no operation of them or its body is not JSON; undefined for a
 * request to another service.
 */
export const jsonRequestOf = <Api extends string>(
  request: WireRequest,
  prefix: string,
  apiNames: readonly Api[],
): JsonRequest<Api> | WireResponse | undefined => {
  const api = jsonTarget(request, prefix);
  if (api === undefined) return undefined;
  if (request.method !== 'POST' || request.url.pathname !== '/' || !apiNames.includes(api as Api)) {
    return awsJson11.unknownOperation(request);
  }
  try {
    return {
      api: api as Api,
      body: request.body.length === 0 ? {} : JSON.parse(request.body.toString('utf8')),
    };
  } catch {
    return {
      httpStatus: 400,
      body: { __type: 'SerializationException', message: 'The request body is not JSON.' },
    };
  }
};

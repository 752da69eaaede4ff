/**
 * An SDK request handler that hands each request to emulator engines in the same process instead
 * of a socket. The real SDK client still builds, signs and serialises the real wire request and
 * parses the real wire answer; only the loopback HTTP hop is left out, which is what a month of a
 * fleet on a virtual clock spends most of its time in.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { EmulatorEngine } from './engine.ts';
import { awsJson11, restJson, type WireRequest, type WireResponse } from './wire.ts';

/** What the SDK hands a request handler: its `HttpRequest`, structurally. */
interface SdkHttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | readonly string[] | null>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** What a request handler answers the SDK with: its `HttpResponse`, structurally. */
interface SdkHttpResponse {
  readonly statusCode: number;
  readonly reason?: string;
  readonly headers: Record<string, string>;
  readonly body: Readable;
}

/** The request handler an SDK client takes as `requestHandler`. */
export interface InProcessRequestHandler {
  readonly metadata: { readonly handlerProtocol: string };
  handle(request: SdkHttpRequest): Promise<{ response: SdkHttpResponse }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

/**
 * A request handler serving `engines` in this process: the first engine whose wire protocol claims
 * the request answers it, exactly as the emulator server would over HTTP.
 *
 * @example
 * const client = createLookoutVisionClient({ endpoint: 'http://emulator', requestHandler: inProcessRequestHandler([engine]) });
 */
export const inProcessRequestHandler = (engines: readonly EmulatorEngine[]): InProcessRequestHandler => ({
  metadata: { handlerProtocol: 'http/1.1' },
  handle: async (request) => {
    const wire = wireRequestOf(request);
    for (const engine of engines) {
      const answer = engine.serve(wire);
      if (answer !== undefined) return { response: sdkResponseOf(answer, engine.protocol.contentType) };
    }
    const protocol = wire.headers['x-amz-target'] === undefined ? restJson : awsJson11;
    return { response: sdkResponseOf(protocol.unknownOperation(wire), protocol.contentType) };
  },
  updateHttpClientConfig: () => {},
  httpHandlerConfigs: () => ({}),
  destroy: () => {},
});

const wireRequestOf = (request: SdkHttpRequest): WireRequest => {
  const url = new URL(request.path, 'http://emulator.local');
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value === null) continue;
    for (const item of typeof value === 'string' ? [value] : value) url.searchParams.append(key, item);
  }
  // Node lowercases the header names of a request read off a socket; engines expect that.
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  return { method: request.method, url, headers, body: bodyOf(request.body) };
};

const bodyOf = (body: unknown): Buffer => {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('the in-process request handler takes string or byte bodies only');
};

const sdkResponseOf = (answer: WireResponse, contentType: string): SdkHttpResponse => {
  const text = Buffer.from(JSON.stringify(answer.body));
  const headers: Record<string, string> = {
    'content-type': contentType,
    'content-length': String(text.byteLength),
    'x-amzn-requestid': randomUUID(),
  };
  // The SDK reads response headers by their lowercase names, as Node's HTTP client gives them.
  for (const [name, value] of Object.entries(answer.headers ?? {})) headers[name.toLowerCase()] = value;
  return { statusCode: answer.httpStatus, headers, body: Readable.from([text]) };
};

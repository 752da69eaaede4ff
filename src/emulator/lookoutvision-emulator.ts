/**
 * The emulator's HTTP front on node:http: the Lookout for Vision REST-JSON paths for the real SDK
 * client, and a separate admin prefix (`/__emulator/`) for tests, the demo and the simulator.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin-routes.ts';
import { type Clock, SystemClock } from './clock.ts';
import {
  type ApiRequest,
  type ApiResponse,
  type EngineOptions,
  LookoutVisionEngine,
  type SeedModel,
} from './lookoutvision-engine.ts';

/** The admin interface's path prefix; nothing of AWS's API lives under it. */
export const adminPrefix = '/__emulator/';

export interface EmulatorOptions extends Omit<EngineOptions, 'clock'> {
  /** Default: the system clock. Pass a `VirtualClock` to drive time from a test or the simulator. */
  readonly clock?: Clock;
  /** Default 0: any free port. The emulator binds 127.0.0.1 only. */
  readonly port?: number;
  /** Models to create before the first request. */
  readonly models?: readonly SeedModel[];
  /** Real-time delay before each AWS answer, for timeouts and abort tests. Default 0. */
  readonly responseDelayMs?: number;
}

/** The administration every caller (in-process or over `/__emulator/`) has. */
export type EmulatorAdmin = Pick<
  LookoutVisionEngine,
  | 'seedModel'
  | 'seedProject'
  | 'models'
  | 'model'
  | 'setLatencies'
  | 'failNextStarts'
  | 'injectError'
  | 'setFaults'
  | 'setQuota'
  | 'beginSystemUpdate'
  | 'callLog'
  | 'ledger'
  | 'reset'
>;

/** An emulator accepting requests. */
export interface RunningEmulator extends EmulatorAdmin {
  /** `http://127.0.0.1:PORT`, the value for `AWS_ENDPOINT_URL_LOOKOUTVISION`. */
  readonly url: string;
  readonly port: number;
  readonly clock: Clock;
  readonly engine: LookoutVisionEngine;
  /** Delays each AWS answer by `ms` of real time. */
  setResponseDelay(ms: number): void;
  /** Stops accepting, drops kept-alive connections and resolves once the server is closed. */
  close(): Promise<void>;
}

/**
 * Starts a Lookout for Vision emulator on 127.0.0.1 and resolves once it accepts requests.
 *
 * @example
 * const emulator = await startEmulator({ clock: new VirtualClock('2027-03-26T04:00:00Z') });
 * process.env.AWS_ENDPOINT_URL_LOOKOUTVISION = emulator.url;
 */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<RunningEmulator> => {
  const clock = options.clock ?? new SystemClock();
  const engine = new LookoutVisionEngine({ ...options, clock });
  for (const model of options.models ?? []) engine.seedModel(model);
  let responseDelayMs = options.responseDelayMs ?? 0;

  const server = createServer((request, response) => {
    serve(engine, request, response, responseDelayMs).catch((error: unknown) => {
      // A bug in the emulator, not a service answer: say so loudly rather than hang the client.
      if (!response.headersSent) {
        sendJson(
          response,
          500,
          { message: `emulator failure: ${String(error)}` },
          { 'x-amzn-ErrorType': 'InternalServerException' },
        );
      } else {
        response.destroy();
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    clock,
    engine,
    seedModel: (spec) => engine.seedModel(spec),
    seedProject: (name) => engine.seedProject(name),
    models: () => engine.models(),
    model: (address) => engine.model(address),
    setLatencies: (latencies, address) => engine.setLatencies(latencies, address),
    failNextStarts: (address, count) => engine.failNextStarts(address, count),
    injectError: (spec) => engine.injectError(spec),
    setFaults: (faults) => engine.setFaults(faults),
    setQuota: (rps) => engine.setQuota(rps),
    beginSystemUpdate: (address, durationMs) => engine.beginSystemUpdate(address, durationMs),
    callLog: () => engine.callLog(),
    ledger: () => engine.ledger(),
    reset: () => engine.reset(),
    setResponseDelay: (ms) => {
      responseDelayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
};

const serve = async (
  engine: LookoutVisionEngine,
  request: IncomingMessage,
  response: ServerResponse,
  responseDelayMs: number,
): Promise<void> => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const body = await readBody(request);
  if (url.pathname.startsWith(adminPrefix)) {
    const answer = handleAdmin(engine, request.method ?? 'GET', url.pathname.slice(adminPrefix.length), body);
    sendJson(response, answer.httpStatus, answer.body);
    return;
  }
  const apiRequest = route(request, url, body);
  if (!apiRequest) {
    sendJson(
      response,
      404,
      { message: `No operation at ${request.method} ${url.pathname}` },
      {
        'x-amzn-ErrorType': 'UnknownOperationException',
      },
    );
    return;
  }
  const answer: ApiResponse = engine.handle(apiRequest);
  if (responseDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, responseDelayMs));
  sendJson(response, answer.httpStatus, answer.body, answer.headers);
};

const modelPath = /^\/2020-11-20\/projects\/([^/]+)\/models\/([^/]+)(?:\/(start|stop|detect))?$/;
const listPath = /^\/2020-11-20\/projects\/([^/]+)\/models$/;

/** Decodes the REST-JSON request the SDK serialises for each operation. */
const route = (request: IncomingMessage, url: URL, body: Buffer): ApiRequest | undefined => {
  const method = request.method;
  const token = header(request, 'x-amzn-client-token');
  const list = listPath.exec(url.pathname);
  if (list?.[1] && method === 'GET') {
    const maxResults = url.searchParams.get('maxResults');
    const nextToken = url.searchParams.get('nextToken');
    return {
      api: 'ListModels',
      projectName: decodeURIComponent(list[1]),
      ...(maxResults === null ? {} : { maxResults }),
      ...(nextToken === null ? {} : { nextToken }),
    };
  }
  const match = modelPath.exec(url.pathname);
  if (!match?.[1] || !match[2]) return undefined;
  const address = { projectName: decodeURIComponent(match[1]), modelVersion: decodeURIComponent(match[2]) };
  const action = match[3];
  if (action === undefined && method === 'GET') return { api: 'DescribeModel', ...address };
  if (method !== 'POST') return undefined;
  switch (action) {
    case 'start':
      return {
        api: 'StartModel',
        ...address,
        ...(token === undefined ? {} : { clientToken: token }),
        body: parseJson(body),
      };
    case 'stop':
      return { api: 'StopModel', ...address, ...(token === undefined ? {} : { clientToken: token }) };
    case 'detect': {
      const contentType = header(request, 'content-type');
      return {
        api: 'DetectAnomalies',
        ...address,
        ...(contentType === undefined ? {} : { contentType }),
        body,
      };
    }
    default:
      return undefined;
  }
};

const header = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const parseJson = (body: Buffer): unknown => {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const sendJson = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void => {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(text);
};

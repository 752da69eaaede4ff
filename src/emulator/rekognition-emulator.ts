/**
 * The Rekognition Custom Labels emulator's HTTP front on node:http, speaking the JSON 1.1 protocol
 * the real SDK client uses: `POST /`, the operation in `X-Amz-Target: RekognitionService.<Op>`.
 * Administration is in-process only (the returned object), there is no admin HTTP prefix.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, SystemClock } from './clock.ts';
import {
  type RekognitionApiName,
  RekognitionEngine,
  type RekognitionEngineOptions,
  rekognitionApiNames,
  type SeedProjectVersion,
} from './rekognition-engine.ts';

export interface RekognitionEmulatorOptions extends Omit<RekognitionEngineOptions, 'clock'> {
  /** Default: the system clock. Pass a `VirtualClock` to drive time from a test or the simulator. */
  readonly clock?: Clock;
  /** Default 0: any free port. The emulator binds 127.0.0.1 only. */
  readonly port?: number;
  /** Versions to create before the first request. */
  readonly models?: readonly SeedProjectVersion[];
  /** Real-time delay before each AWS answer, for timeouts and abort tests. Default 0. */
  readonly responseDelayMs?: number;
}

/** The administration an in-process caller has. */
export type RekognitionEmulatorAdmin = Pick<
  RekognitionEngine,
  | 'seedModel'
  | 'seedProject'
  | 'models'
  | 'model'
  | 'setLatencies'
  | 'failNextStarts'
  | 'injectError'
  | 'setFaults'
  | 'setQuota'
  | 'callLog'
  | 'ledger'
  | 'reset'
>;

/** A Rekognition emulator accepting requests. */
export interface RunningRekognitionEmulator extends RekognitionEmulatorAdmin {
  /** `http://127.0.0.1:PORT`, the value for `AWS_ENDPOINT_URL_REKOGNITION`. */
  readonly url: string;
  readonly port: number;
  readonly clock: Clock;
  readonly engine: RekognitionEngine;
  /** Delays each AWS answer by `ms` of real time. */
  setResponseDelay(ms: number): void;
  /** Stops accepting, drops kept-alive connections and resolves once the server is closed. */
  close(): Promise<void>;
}

const targetPrefix = 'RekognitionService.';
const contentType = 'application/x-amz-json-1.1';

/**
 * Starts a Rekognition Custom Labels emulator on 127.0.0.1 and resolves once it accepts requests.
 *
 * @example
 * const emulator = await startRekognitionEmulator({ clock: new VirtualClock('2027-03-26T04:00:00Z') });
 * process.env.AWS_ENDPOINT_URL_REKOGNITION = emulator.url;
 */
export const startRekognitionEmulator = async (
  options: RekognitionEmulatorOptions = {},
): Promise<RunningRekognitionEmulator> => {
  const clock = options.clock ?? new SystemClock();
  const engine = new RekognitionEngine({ ...options, clock });
  for (const model of options.models ?? []) engine.seedModel(model);
  let responseDelayMs = options.responseDelayMs ?? 0;

  const server = createServer((request, response) => {
    serve(engine, request, response, responseDelayMs).catch((error: unknown) => {
      // A bug in the emulator, not a service answer: say so loudly rather than hang the client.
      if (!response.headersSent) {
        sendJson(response, 500, {
          __type: 'InternalServerError',
          message: `emulator failure: ${String(error)}`,
        });
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
    seedProject: (name, arn) => engine.seedProject(name, arn),
    models: () => engine.models(),
    model: (address) => engine.model(address),
    setLatencies: (latencies, address) => engine.setLatencies(latencies, address),
    failNextStarts: (address, count) => engine.failNextStarts(address, count),
    injectError: (spec) => engine.injectError(spec),
    setFaults: (faults) => engine.setFaults(faults),
    setQuota: (rps) => engine.setQuota(rps),
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
  engine: RekognitionEngine,
  request: IncomingMessage,
  response: ServerResponse,
  responseDelayMs: number,
): Promise<void> => {
  const body = await readBody(request);
  const target = header(request, 'x-amz-target') ?? '';
  const api = target.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : undefined;
  if (request.method !== 'POST' || request.url?.split('?')[0] !== '/' || !isApiName(api)) {
    sendJson(response, 400, {
      __type: 'UnknownOperationException',
      message: `No operation for ${request.method} ${request.url} with X-Amz-Target ${target}`,
    });
    return;
  }
  let parsed: unknown;
  try {
    parsed = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    sendJson(response, 400, { __type: 'SerializationException', message: 'The request body is not JSON.' });
    return;
  }
  const answer = engine.handle({ api, body: parsed });
  if (responseDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, responseDelayMs));
  sendJson(response, answer.httpStatus, answer.body, answer.headers);
};

const isApiName = (name: string | undefined): name is RekognitionApiName =>
  rekognitionApiNames.includes(name as RekognitionApiName);

const header = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
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
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(text);
};

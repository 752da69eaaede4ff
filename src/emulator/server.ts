/**
 * The emulators' HTTP front on node:http: one server on 127.0.0.1 for any number of engines, each
 * claiming the requests of its wire protocol (REST paths, or `X-Amz-Target: <Prefix>.<Op>`), and
 * the admin API under `/__emulator/` for tests, the demo and the simulator.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin.ts';
import type { EmulatorEngine } from './engine.ts';
import {
  awsJson11,
  headerOf,
  restJson,
  type WireProtocol,
  type WireRequest,
  type WireResponse,
} from './wire.ts';

/**
 * The admin interface's path prefix; nothing of AWS's APIs lives under it. `/__emulator/<service>/…`
 * addresses one engine, `/__emulator/…` the first one.
 */
export const adminPrefix = '/__emulator/';

export interface EmulatorServerOptions {
  /** The engines to serve; the first one answers admin requests that name none. */
  readonly engines: readonly EmulatorEngine[];
  /** Default 0: any free port. The server binds 127.0.0.1 only. */
  readonly port?: number;
  /** Real-time delay before each AWS answer, for timeouts and abort tests. Default 0. */
  readonly responseDelayMs?: number;
}

/** A server accepting requests. */
export interface EmulatorServer {
  /** `http://127.0.0.1:PORT`, the value for each engine's `AWS_ENDPOINT_URL_<SERVICE>`. */
  readonly url: string;
  readonly port: number;
  readonly engines: readonly EmulatorEngine[];
  /** Delays each AWS answer by `ms` of real time. */
  setResponseDelay(ms: number): void;
  /** Stops accepting, drops kept-alive connections and resolves once the server is closed. */
  close(): Promise<void>;
}

/**
 * Starts one server for `engines` on 127.0.0.1 and resolves once it accepts requests.
 *
 * @example
 * const server = await startEmulatorServer({ engines: [lookoutVision, rekognition] });
 * process.env.AWS_ENDPOINT_URL_LOOKOUTVISION = server.url;
 * process.env.AWS_ENDPOINT_URL_REKOGNITION = server.url;
 */
export const startEmulatorServer = async (options: EmulatorServerOptions): Promise<EmulatorServer> => {
  const { engines } = options;
  if (engines.length === 0) throw new RangeError('an emulator server needs at least one engine');
  let responseDelayMs = options.responseDelayMs ?? 0;

  const server = createServer((request, response) => {
    let protocol: WireProtocol = protocolOf(request);
    serve(engines, request, response, responseDelayMs, (claimed) => {
      protocol = claimed;
    }).catch((error: unknown) => {
      // A bug in the emulator, not a service answer: say so loudly rather than hang the client.
      if (!response.headersSent) send(response, protocol, protocol.failure(error));
      else response.destroy();
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
    engines,
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

/** An engine served on its own server: the engine's methods, plus where it listens. */
export type RunningEmulator<Engine extends EmulatorEngine> = Engine & {
  /** `http://127.0.0.1:PORT`, the value for the engine's `AWS_ENDPOINT_URL_<SERVICE>`. */
  readonly url: string;
  readonly port: number;
  readonly engine: Engine;
  setResponseDelay(ms: number): void;
  close(): Promise<void>;
};

/**
 * `engine` as a handle on `server`: every method of the engine (bound to it, since its state is
 * private), and the server's address, delay and close.
 */
export const runningEmulator = <Engine extends EmulatorEngine>(
  engine: Engine,
  server: EmulatorServer,
): RunningEmulator<Engine> => {
  const own: Record<PropertyKey, unknown> = {
    url: server.url,
    port: server.port,
    engine,
    setResponseDelay: server.setResponseDelay,
    close: server.close,
  };
  return new Proxy(engine, {
    get: (target, key) => {
      if (key in own) return own[key];
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as RunningEmulator<Engine>;
};

/** Serves one engine on a server of its own. */
export const serveEngine = async <Engine extends EmulatorEngine>(
  engine: Engine,
  options: Omit<EmulatorServerOptions, 'engines'> = {},
): Promise<RunningEmulator<Engine>> =>
  runningEmulator(engine, await startEmulatorServer({ ...options, engines: [engine] }));

const serve = async (
  engines: readonly EmulatorEngine[],
  request: IncomingMessage,
  response: ServerResponse,
  responseDelayMs: number,
  claimedBy: (protocol: WireProtocol) => void,
): Promise<void> => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const wire: WireRequest = {
    method: request.method ?? 'GET',
    url,
    headers: request.headers,
    body: await readBody(request),
  };
  if (url.pathname.startsWith(adminPrefix)) {
    const path = url.pathname.slice(adminPrefix.length);
    const [first, ...rest] = path.split('/');
    const named = engines.find((engine) => engine.service === first);
    const engine = named ?? (engines[0] as EmulatorEngine);
    const answer = handleAdmin(engine, wire.method, named ? rest.join('/') : path, wire.body);
    send(response, restJson, answer);
    return;
  }
  for (const engine of engines) {
    const answer = engine.serve(wire);
    if (answer === undefined) continue;
    claimedBy(engine.protocol);
    if (responseDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, responseDelayMs));
    send(response, engine.protocol, answer);
    return;
  }
  const protocol = protocolOf(request);
  send(response, protocol, protocol.unknownOperation(wire));
};

/** A request no engine claimed is answered in the protocol it was sent in. */
const protocolOf = (request: IncomingMessage): WireProtocol =>
  headerOf(request, 'x-amz-target') === undefined ? restJson : awsJson11;

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const send = (response: ServerResponse, protocol: WireProtocol, answer: WireResponse): void => {
  const text = JSON.stringify(answer.body);
  response.writeHead(answer.httpStatus, {
    'content-type': protocol.contentType,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...answer.headers,
  });
  response.end(text);
};

import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP proxy on 127.0.0.1 in front of DynamoDB Local or an emulator, for the fault suite: it
 * passes requests through until told to break some of them, the ways a network and a service
 * break: refuse the connection, hang, answer a server error, or answer 200 with a body the SDK
 * cannot read. A fault may still forward the request first, so the service acts on it while the
 * caller never learns that it did (the answer that gets lost on the way back).
 */

/** What the proxy does with a request a rule matches. */
export type Fault =
  /** Drops the connection without an answer: the caller sees a reset socket. */
  | { readonly kind: 'refuse' }
  /**
   * Holds the request without an answer until {@link FaultProxy.release}; the caller times out or
   * aborts. With `forward`, a released request then reaches the service (a late delivery).
   */
  | { readonly kind: 'hang'; readonly forward?: boolean }
  /**
   * Answers `status` with `body` under `contentType` instead of the service's answer; with
   * `forward`, after the service has answered the request (and acted on it).
   */
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly body: string;
      readonly contentType?: string;
      readonly forward?: boolean;
    }
  /** Forwards, then answers the service's status and headers with only the first half of its body. */
  | { readonly kind: 'truncate' };

/** What a rule sees of a request. */
export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  /** `X-Amz-Target` (DynamoDB, Rekognition, SageMaker), or undefined on REST paths. */
  readonly target: string | undefined;
  readonly body: string;
}

export interface FaultRule {
  readonly fault: Fault;
  /** Which requests it breaks; every request when absent. */
  readonly when?: (request: ProxiedRequest) => boolean;
  /** How many matching requests it breaks; every one until {@link FaultProxy.heal} when absent. */
  readonly times?: number;
}

/** One request as the proxy handled it. */
export interface ProxyLogEntry extends ProxiedRequest {
  /** The fault it met, or `pass`. */
  readonly fault: Fault['kind'] | 'pass';
  /** Whether the request reached the service. */
  readonly forwarded: boolean;
}

export interface FaultProxy {
  /** `http://127.0.0.1:PORT`: the endpoint to give the SDK client under test. */
  readonly url: string;
  /** Breaks the next matching requests; rules added earlier are matched first. */
  fail(rule: FaultRule): void;
  /** Removes every rule: requests pass again. Held requests stay held until released. */
  heal(): void;
  /** Lets every held request go: forwarded where its fault says so (its answer is dropped), else closed. */
  release(): Promise<void>;
  /** Every request so far, oldest first. */
  log(): readonly ProxyLogEntry[];
  /** Closes the proxy and every connection. */
  close(): Promise<void>;
}

interface Upstream {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** Starts a proxy to `target` (`http://host:port`) and resolves once it accepts connections. */
export const startFaultProxy = async (target: string): Promise<FaultProxy> => {
  const upstreamUrl = new URL(target);
  let rules: { rule: FaultRule; left: number }[] = [];
  const entries: ProxyLogEntry[] = [];
  const held: { request: ProxiedRequest; raw: IncomingMessage; forward: boolean; done(): void }[] = [];
  const sockets = new Set<Socket>();

  const forward = (raw: IncomingMessage, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        {
          hostname: upstreamUrl.hostname,
          port: upstreamUrl.port,
          method: raw.method,
          path: raw.url,
          headers: raw.headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const reply = (
    response: ServerResponse,
    status: number,
    headers: IncomingMessage['headers'],
    body: Buffer,
  ) => {
    const {
      'content-length': _length,
      'transfer-encoding': _encoding,
      connection: _connection,
      ...rest
    } = headers;
    response.writeHead(status, { ...rest, 'content-length': body.length });
    response.end(body);
  };

  const matching = (request: ProxiedRequest): Fault | undefined => {
    const found = rules.find(({ rule, left }) => left > 0 && (rule.when?.(request) ?? true));
    if (!found) return undefined;
    found.left -= 1;
    return found.rule.fault;
  };

  const handle = async (raw: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of raw) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const target = raw.headers['x-amz-target'];
    const request: ProxiedRequest = {
      method: raw.method ?? 'GET',
      path: raw.url ?? '/',
      target: typeof target === 'string' ? target : undefined,
      body: body.toString('utf8'),
    };
    const fault = matching(request);
    const logged = (forwarded: boolean) =>
      entries.push({ ...request, fault: fault?.kind ?? 'pass', forwarded });
    switch (fault?.kind) {
      case undefined: {
        logged(true);
        const upstream = await forward(raw, body);
        reply(response, upstream.status, upstream.headers, upstream.body);
        return;
      }
      case 'refuse':
        logged(false);
        raw.socket.destroy();
        return;
      case 'hang':
        logged(false);
        await new Promise<void>((done) => {
          held.push({ request, raw, forward: fault.forward ?? false, done });
          raw.socket.once('close', done);
        });
        return;
      case 'answer':
        logged(fault.forward ?? false);
        if (fault.forward) await forward(raw, body);
        reply(
          response,
          fault.status,
          { 'content-type': fault.contentType ?? 'application/json' },
          Buffer.from(fault.body),
        );
        return;
      case 'truncate': {
        logged(true);
        const upstream = await forward(raw, body);
        reply(
          response,
          upstream.status,
          upstream.headers,
          upstream.body.subarray(0, Math.floor(upstream.body.length / 2)),
        );
        return;
      }
    }
  };

  const server = createServer((raw, response) => {
    handle(raw, response).catch(() => {
      if (!response.headersSent) response.writeHead(502).end();
      else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    fail: (rule) => {
      rules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY });
    },
    heal: () => {
      rules = [];
    },
    release: async () => {
      const released = held.splice(0);
      await Promise.all(
        released.map(async ({ request, raw, forward: deliver, done }) => {
          if (deliver) {
            await forward(raw, Buffer.from(request.body));
            entries.push({ ...request, fault: 'hang', forwarded: true });
          }
          raw.socket.destroy();
          done();
        }),
      );
    },
    log: () => [...entries],
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
};

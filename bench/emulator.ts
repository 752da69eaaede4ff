/**
 * How many requests per second the emulator serves through the real SDK client, against a bare
 * node:http server answering a fixed JSON body under the same client and load. The ratio says what
 * the emulator's own work (routing, state, call log) costs on top of HTTP and the SDK. Loopback only;
 * each scenario is bounded both by a request count and by time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import {
  DescribeModelCommand,
  ListModelsCommand,
  type LookoutVisionClient,
} from '@aws-sdk/client-lookoutvision';
import { createLookoutVisionClient } from '../src/providers/lookoutvision/client.ts';
import { startLookoutVisionEmulator } from '../src/providers/lookoutvision/emulator/index.ts';

const concurrency = 32;
const maxRequests = 20_000;
const maxSeconds = 2;
const rounds = 3;
const warmUpRequests = 200;

interface Figures {
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly errors: number;
}

/** Sends `call` from `concurrency` workers until the count or the time runs out. */
const load = async (call: () => Promise<unknown>): Promise<Figures> => {
  for (let i = 0; i < warmUpRequests; i += 1) await call();
  let sent = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + maxSeconds * 1000;
  const worker = async (): Promise<void> => {
    while (sent < maxRequests && performance.now() < deadline) {
      sent += 1;
      try {
        await call();
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { requests: sent, seconds, perSecond: sent / seconds, errors };
};

const clientFor = (endpoint: string): LookoutVisionClient =>
  createLookoutVisionClient({
    endpoint,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    // A retry would count one request twice: measure single attempts.
    maxAttempts: 1,
  });

/** The baseline: answers every request with the same small JSON a real answer would have. */
const startBaseline = async (): Promise<{ url: string; server: Server }> => {
  const describe = JSON.stringify({
    ModelDescription: {
      ModelVersion: '1',
      ModelArn: 'arn:aws:lookoutvision:eu-central-1:123456789012:model/bench/1',
      CreationTimestamp: 1_800_000_000,
      Status: 'TRAINED',
      StatusMessage: 'Training completed successfully.',
    },
  });
  const list = JSON.stringify({
    Models: Array.from({ length: 10 }, (_, index) => ({
      ModelVersion: String(index + 1),
      ModelArn: `arn:aws:lookoutvision:eu-central-1:123456789012:model/bench/${index + 1}`,
      CreationTimestamp: 1_800_000_000,
      Status: 'TRAINED',
      StatusMessage: 'Training completed successfully.',
    })),
  });
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const body = request.url?.split('?')[0]?.endsWith('/models') ? list : describe;
      response.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
};

const line = (name: string, figures: Figures): string =>
  `${name.padEnd(34)} ${figures.perSecond.toFixed(0).padStart(7)} req/s  (${figures.requests} requests in ` +
  `${figures.seconds.toFixed(2)} s, ${figures.errors} errors)`;

/** Runs the emulator benchmark and prints one line per scenario and the ratios. */
export const run = async (): Promise<void> => {
  const emulator = await startLookoutVisionEmulator({ requestsPerSecond: Number.POSITIVE_INFINITY });
  for (let version = 1; version <= 10; version += 1) {
    emulator.seedModel({ projectName: 'bench', modelVersion: String(version) });
  }
  const baseline = await startBaseline();
  const emulatorClient = clientFor(emulator.url);
  const baselineClient = clientFor(baseline.url);
  const describeModel = new DescribeModelCommand({ ProjectName: 'bench', ModelVersion: '1' });
  const listModels = new ListModelsCommand({ ProjectName: 'bench' });

  const scenarios: readonly [string, () => Promise<unknown>][] = [
    ['emulator DescribeModel', () => emulatorClient.send(describeModel)],
    ['baseline node:http DescribeModel', () => baselineClient.send(describeModel)],
    ['emulator ListModels (10 models)', () => emulatorClient.send(listModels)],
    ['baseline node:http ListModels', () => baselineClient.send(listModels)],
  ];

  try {
    console.log(
      `node ${process.version}, ${cpus().length} CPUs, ${concurrency} concurrent callers, loopback, real SDK client; ` +
        `median of ${rounds} interleaved rounds of at most ${maxSeconds} s / ${maxRequests} requests`,
    );
    // Interleaved rounds and the median, because the machine is shared and one round can be unlucky.
    const byScenario = new Map<string, Figures[]>();
    for (let round = 0; round < rounds; round += 1) {
      for (const [name, call] of scenarios)
        byScenario.set(name, [...(byScenario.get(name) ?? []), await load(call)]);
    }
    const median = (name: string): Figures => {
      const sorted = [...(byScenario.get(name) ?? [])].sort((a, b) => a.perSecond - b.perSecond);
      const middle = sorted[Math.floor(sorted.length / 2)];
      if (!middle) throw new Error(`no figures for ${name}`);
      return middle;
    };
    for (const [name] of scenarios) console.log(line(name, median(name)));
    const ratio = (a: string, b: string) =>
      `${((median(a).perSecond / median(b).perSecond) * 100).toFixed(0)} %`;
    console.log(
      `emulator/baseline: DescribeModel ${ratio('emulator DescribeModel', 'baseline node:http DescribeModel')}, ` +
        `ListModels ${ratio('emulator ListModels (10 models)', 'baseline node:http ListModels')}`,
    );
  } finally {
    emulatorClient.destroy();
    baselineClient.destroy();
    await emulator.close();
    baseline.server.closeAllConnections();
    await new Promise((resolve) => baseline.server.close(resolve));
  }
};

import type { LookoutVisionClient } from '@aws-sdk/client-lookoutvision';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import type { HostRegistry, ReconcileDeps } from '../app/reconcile.ts';
import { rateOfConfig } from '../app/start-timers.ts';
import { VirtualClock } from '../emulator/clock.ts';
import { type EmulatorServer, runningEmulator, startEmulatorServer } from '../emulator/server.ts';
import type { TableNames } from '../platform/env.ts';
import { Pacer, type PacerClock, pacedClient } from '../platform/pacer.ts';
import { type ShiftsConfig, shiftsRules } from '../providers/config.ts';
import { emulators, providersOf, refsOf } from '../providers/emulators.ts';
import type {
  LookoutVisionEmulatorOptions,
  RunningLookoutVisionEmulator,
} from '../providers/lookoutvision/emulator/index.ts';
import type { ProviderDefinition } from '../providers/provider.ts';
import { type ProviderId, providerIds, providers } from '../providers/registry.ts';
import type {
  RekognitionEmulatorOptions,
  RunningRekognitionEmulator,
} from '../providers/rekognition/emulator/index.ts';
import type {
  RunningSageMakerEmulator,
  SageMakerEmulatorOptions,
} from '../providers/sagemaker/emulator/index.ts';
import { DynamoConfigRepository } from '../store/dynamo-config-repository.ts';
import { DynamoRunRepository } from '../store/dynamo-run-repository.ts';

/** The scheduler wired to DynamoDB tables and the emulators of its providers on a virtual clock. */
export interface LocalScheduler {
  readonly clock: VirtualClock;
  /** The one server of every emulator below; its URL is each `AWS_ENDPOINT_URL_<SERVICE>`. */
  readonly server: EmulatorServer;
  readonly emulator: RunningLookoutVisionEmulator & { readonly clock: VirtualClock };
  /**
   * The Rekognition Custom Labels emulator on the same clock and server, when the config has
   * Rekognition models; each version is seeded under the exact project ARN the config names.
   */
  readonly rekognition?: RunningRekognitionEmulator & { readonly clock: VirtualClock };
  /**
   * The SageMaker emulator on the same clock and server, when the config has SageMaker models; each
   * inference component is seeded at zero copies on the endpoint the config names.
   */
  readonly sagemaker?: RunningSageMakerEmulator & { readonly clock: VirtualClock };
  readonly deps: ReconcileDeps & {
    readonly configs: DynamoConfigRepository;
    readonly runs: DynamoRunRepository;
  };
  readonly client: LookoutVisionClient;
  readonly rekognitionClient?: RekognitionClient;
  readonly sageMakerClient?: SageMakerClient;
  close(): Promise<void>;
}

export interface LocalSchedulerOptions extends Omit<LookoutVisionEmulatorOptions, 'clock' | 'models'> {
  readonly config: ShiftsConfig;
  readonly start: Date;
  readonly documents: DynamoDBDocumentClient;
  readonly tables: TableNames;
  /** Options of the Rekognition engine (created only for a config with Rekognition models). */
  readonly rekognitionOptions?: Omit<
    RekognitionEmulatorOptions,
    'clock' | 'models' | 'port' | 'responseDelayMs'
  >;
  /** Options of the SageMaker engine (created only for a config with SageMaker models). */
  readonly sageMakerOptions?: Omit<SageMakerEmulatorOptions, 'clock' | 'models' | 'port' | 'responseDelayMs'>;
  /**
   * Pace every call to each provider's quota on the virtual clock, as deployed (each call waits for
   * its API's slot and the clock moves on to it), and give the pass that clock, so the time a pass
   * spends shows in what it records. Unset, a whole pass happens at one virtual instant.
   */
  readonly paced?: boolean;
}

/** The pacer's view of a virtual clock: waiting moves the clock on to the end of the wait. */
export const virtualPacerClock = (clock: VirtualClock): PacerClock => ({
  now: () => clock.now().getTime(),
  sleep: async (ms) => {
    if (ms > 0) clock.set(clock.now().getTime() + ms);
  },
});

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Starts one emulator server holding every model of `config`, each ready to start (Lookout for
 * Vision always; every other registered provider when the config has models of it, seeded by its
 * emulator entry), points real SDK clients at it through the SDK's own `AWS_ENDPOINT_URL_<SERVICE>`
 * variables, and builds the scheduler's stores and, from the provider registry, its hosts as the
 * Lambdas do. The engines' quota counts virtual seconds, since the whole pass happens at one
 * virtual instant, and their throttling answers carry no wall-clock `Retry-After` (the SDK's own
 * backoff still applies).
 */
export const startLocalScheduler = async (options: LocalSchedulerOptions): Promise<LocalScheduler> => {
  const {
    config,
    start,
    documents,
    tables,
    rekognitionOptions,
    sageMakerOptions,
    port,
    responseDelayMs,
    paced,
    ...lookoutOptions
  } = options;
  const clock = new VirtualClock(start);
  const virtual = { monotonicNowMs: () => clock.now().getTime(), retryAfterSeconds: 0 };
  const refs = refsOf(config);
  // Lookout for Vision always (the `emulator` handle); every other provider when the config uses it.
  const configured = providersOf(config);
  const used = providerIds.filter((id) => id === 'lookoutvision' || configured.includes(id));
  const engineOptions: Record<ProviderId, object | undefined> = {
    lookoutvision: lookoutOptions,
    rekognition: rekognitionOptions,
    sagemaker: sageMakerOptions,
  };
  const engines = used.map((id) => {
    const engine = emulators[id].createEngine({ ...virtual, ...engineOptions[id], clock });
    emulators[id].seed(engine, refs);
    return engine;
  });
  const server = await startEmulatorServer({
    engines,
    ...(port === undefined ? {} : { port }),
    ...(responseDelayMs === undefined ? {} : { responseDelayMs }),
  });
  for (const id of used) process.env[emulators[id].endpointVariable] = server.url;
  const running = Object.fromEntries(
    engines.map((engine) => [engine.service, runningEmulator(engine, server)]),
  ) as Partial<Record<ProviderId, unknown>>;
  const emulator = running.lookoutvision as LocalScheduler['emulator'];
  const rekognition = running.rekognition as LocalScheduler['rekognition'];
  const sagemaker = running.sagemaker as LocalScheduler['sagemaker'];

  // The SDK still retries throttled and failed calls (3 attempts), but without wall-clock backoff
  // or adaptive rate limiting: the quota counts virtual seconds, and a day passes in seconds here.
  const region = process.env.AWS_REGION ?? 'eu-central-1';
  const clients: Partial<Record<ProviderId, unknown>> = {};
  const hosts: HostRegistry = {};
  const pacer = paced
    ? new Pacer(virtualPacerClock(clock), (key) => rateOfConfig(config)(key.slice(0, key.indexOf(':'))))
    : undefined;
  for (const provider of providers as readonly ProviderDefinition[]) {
    if (!used.includes(provider.id as ProviderId)) continue;
    const created = provider.createClient({
      region,
      credentials: localCredentials,
      retryStrategy: new ConfiguredRetryStrategy(3, () => 1),
    });
    const client = pacer ? pacedClient(created, provider.id, pacer) : created;
    clients[provider.id as ProviderId] = client;
    hosts[provider.id] = provider.createHost(client);
  }
  const client = clients.lookoutvision as LookoutVisionClient;
  const rekognitionClient = clients.rekognition as RekognitionClient | undefined;
  const sageMakerClient = clients.sagemaker as SageMakerClient | undefined;

  return {
    clock,
    server,
    emulator,
    ...(rekognition ? { rekognition } : {}),
    ...(sagemaker ? { sagemaker } : {}),
    client,
    ...(rekognitionClient ? { rekognitionClient } : {}),
    ...(sageMakerClient ? { sageMakerClient } : {}),
    deps: {
      configs: new DynamoConfigRepository(documents, tables.configTable, shiftsRules),
      runs: new DynamoRunRepository(documents, tables.runsTable),
      hosts,
      // Time is virtual: waiting on the wall clock between retries would only slow the simulation.
      sleep: async () => {},
      ...(paced ? { clock: { now: () => clock.now(), virtual: true } } : {}),
    },
    close: async () => {
      for (const sdkClient of Object.values(clients)) (sdkClient as { destroy(): void }).destroy();
      await server.close();
    },
  };
};

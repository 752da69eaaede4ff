import type { LookoutVisionClient } from '@aws-sdk/client-lookoutvision';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import type { HostRegistry, ReconcileDeps } from '../app/reconcile.ts';
import { VirtualClock } from '../emulator/clock.ts';
import { type EmulatorServer, runningEmulator, startEmulatorServer } from '../emulator/server.ts';
import type { TableNames } from '../platform/env.ts';
import { type ShiftsConfig, shiftsRules } from '../providers/config.ts';
import { emulators, refsOf } from '../providers/emulators.ts';
import { createLookoutVisionClient } from '../providers/lookoutvision/client.ts';
import {
  createLookoutVisionEngine,
  type LookoutVisionEmulatorOptions,
  type RunningLookoutVisionEmulator,
} from '../providers/lookoutvision/emulator/index.ts';
import { LookoutVisionModelHost } from '../providers/lookoutvision/host.ts';
import { createRekognitionClient } from '../providers/rekognition/client.ts';
import {
  createRekognitionEngine,
  type RekognitionEmulatorOptions,
  type RunningRekognitionEmulator,
} from '../providers/rekognition/emulator/index.ts';
import { RekognitionModelHost } from '../providers/rekognition/host.ts';
import { createSageMakerClient } from '../providers/sagemaker/client.ts';
import {
  createSageMakerEngine,
  type RunningSageMakerEmulator,
  type SageMakerEmulatorOptions,
} from '../providers/sagemaker/emulator/index.ts';
import { SageMakerModelHost } from '../providers/sagemaker/host.ts';
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
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Starts one emulator server holding every model of `config`, each ready to start (Lookout for
 * Vision always; Rekognition when the config has Rekognition models, under the config's project
 * ARNs), points real SDK clients at it through the SDK's own `AWS_ENDPOINT_URL_<SERVICE>`
 * variables, and builds the scheduler's stores and hosts as the Lambdas do. The engines' quota
 * counts virtual seconds, since the whole pass happens at one virtual instant, and their throttling
 * answers carry no wall-clock `Retry-After` (the SDK's own backoff still applies).
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
    ...lookoutOptions
  } = options;
  const clock = new VirtualClock(start);
  const virtual = { monotonicNowMs: () => clock.now().getTime(), retryAfterSeconds: 0 };
  const refs = refsOf(config);
  const lookoutVision = createLookoutVisionEngine({ ...virtual, ...lookoutOptions, clock });
  emulators.lookoutvision.seed(lookoutVision, refs);
  const hasRekognition = config.models.some((model) => model.provider === 'rekognition');
  const rekognitionEngine = hasRekognition
    ? createRekognitionEngine({ ...virtual, ...rekognitionOptions, clock })
    : undefined;
  if (rekognitionEngine) emulators.rekognition.seed(rekognitionEngine, refs);
  const hasSageMaker = config.models.some((model) => model.provider === 'sagemaker');
  const sageMakerEngine = hasSageMaker
    ? createSageMakerEngine({ ...virtual, ...sageMakerOptions, clock })
    : undefined;
  if (sageMakerEngine) emulators.sagemaker.seed(sageMakerEngine, refs);
  const server = await startEmulatorServer({
    engines: [
      lookoutVision,
      ...(rekognitionEngine ? [rekognitionEngine] : []),
      ...(sageMakerEngine ? [sageMakerEngine] : []),
    ],
    ...(port === undefined ? {} : { port }),
    ...(responseDelayMs === undefined ? {} : { responseDelayMs }),
  });
  process.env.AWS_ENDPOINT_URL_LOOKOUTVISION = server.url;
  if (rekognitionEngine) process.env.AWS_ENDPOINT_URL_REKOGNITION = server.url;
  if (sageMakerEngine) process.env.AWS_ENDPOINT_URL_SAGEMAKER = server.url;
  const emulator = runningEmulator(lookoutVision, server) as LocalScheduler['emulator'];
  const rekognition = rekognitionEngine
    ? (runningEmulator(rekognitionEngine, server) as NonNullable<LocalScheduler['rekognition']>)
    : undefined;
  const sagemaker = sageMakerEngine
    ? (runningEmulator(sageMakerEngine, server) as NonNullable<LocalScheduler['sagemaker']>)
    : undefined;

  // The SDK still retries throttled and failed calls (3 attempts), but without wall-clock backoff
  // or adaptive rate limiting: the quota counts virtual seconds, and a day passes in seconds here.
  const retryStrategy = () => new ConfiguredRetryStrategy(3, () => 1);
  const region = process.env.AWS_REGION ?? 'eu-central-1';
  const client = createLookoutVisionClient({
    region,
    credentials: localCredentials,
    retryStrategy: retryStrategy(),
  });
  const hosts: HostRegistry = {
    lookoutvision: new LookoutVisionModelHost(client),
  };
  let rekognitionClient: RekognitionClient | undefined;
  if (rekognition) {
    rekognitionClient = createRekognitionClient({
      region,
      credentials: localCredentials,
      retryStrategy: retryStrategy(),
    });
    hosts.rekognition = new RekognitionModelHost(rekognitionClient);
  }
  let sageMakerClient: SageMakerClient | undefined;
  if (sagemaker) {
    sageMakerClient = createSageMakerClient({
      region,
      credentials: localCredentials,
      retryStrategy: retryStrategy(),
    });
    hosts.sagemaker = new SageMakerModelHost(sageMakerClient);
  }

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
    },
    close: async () => {
      client.destroy();
      rekognitionClient?.destroy();
      sageMakerClient?.destroy();
      await server.close();
    },
  };
};

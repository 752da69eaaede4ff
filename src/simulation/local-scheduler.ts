import type { LookoutVisionClient } from '@aws-sdk/client-lookoutvision';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import type { HostRegistry, ReconcileDeps } from '../app/reconcile.ts';
import { VirtualClock } from '../emulator/clock.ts';
import type { EmulatorOptions, RunningEmulator } from '../emulator/lookoutvision-emulator.ts';
import { startEmulator } from '../emulator/lookoutvision-emulator.ts';
import {
  type RekognitionEmulatorOptions,
  type RunningRekognitionEmulator,
  startRekognitionEmulator,
} from '../emulator/rekognition-emulator.ts';
import { projectNameOfArn } from '../emulator/rekognition-engine.ts';
import type { TableNames } from '../platform/env.ts';
import { createLookoutVisionClient } from '../providers/lookoutvision/client.ts';
import { LookoutVisionModelHost } from '../providers/lookoutvision/host.ts';
import { createRekognitionClient } from '../providers/rekognition/client.ts';
import { RekognitionModelHost } from '../providers/rekognition/host.ts';
import type { SchedulerConfig } from '../schedule/config.ts';
import { DynamoConfigRepository } from '../store/dynamo-config-repository.ts';
import { DynamoRunRepository } from '../store/dynamo-run-repository.ts';

/** The scheduler wired to DynamoDB tables and a Lookout for Vision emulator on a virtual clock. */
export interface LocalScheduler {
  readonly clock: VirtualClock;
  readonly emulator: RunningEmulator & { readonly clock: VirtualClock };
  /**
   * The Rekognition Custom Labels emulator on the same clock, when the config has Rekognition
   * models; each version is seeded under the exact project ARN the config names.
   */
  readonly rekognition?: RunningRekognitionEmulator & { readonly clock: VirtualClock };
  readonly deps: ReconcileDeps & {
    readonly configs: DynamoConfigRepository;
    readonly runs: DynamoRunRepository;
  };
  readonly client: LookoutVisionClient;
  readonly rekognitionClient?: RekognitionClient;
  close(): Promise<void>;
}

export interface LocalSchedulerOptions extends Omit<EmulatorOptions, 'clock' | 'models'> {
  readonly config: SchedulerConfig;
  readonly start: Date;
  readonly documents: DynamoDBDocumentClient;
  readonly tables: TableNames;
  /** Options of the Rekognition emulator (started only for a config with Rekognition models). */
  readonly rekognitionOptions?: Omit<RekognitionEmulatorOptions, 'clock' | 'models'>;
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Starts an emulator holding every Lookout for Vision model of `config` (TRAINED), points a real
 * SDK client at it through `AWS_ENDPOINT_URL_LOOKOUTVISION` (the SDK's own variable), and builds
 * the scheduler's stores and host as the Lambdas do. The emulator's quota counts virtual seconds,
 * since the whole pass happens at one virtual instant, and its throttling answers carry no
 * wall-clock `Retry-After` (the SDK's own backoff still applies). When `config` has Rekognition
 * models, a Rekognition emulator on the same clock holds them (TRAINING_COMPLETED, under the
 * config's project ARNs) and `AWS_ENDPOINT_URL_REKOGNITION` points at it.
 */
export const startLocalScheduler = async (options: LocalSchedulerOptions): Promise<LocalScheduler> => {
  const { config, start, documents, tables, rekognitionOptions, ...emulatorOptions } = options;
  const clock = new VirtualClock(start);
  const emulator = await startEmulator({
    monotonicNowMs: () => clock.now().getTime(),
    retryAfterSeconds: 0,
    ...emulatorOptions,
    clock,
    models: config.models.flatMap((model) =>
      model.provider === 'lookoutvision'
        ? [{ projectName: model.projectName, modelVersion: model.modelVersion }]
        : [],
    ),
  });
  process.env.AWS_ENDPOINT_URL_LOOKOUTVISION = emulator.url;
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

  const rekognitionModels = config.models.flatMap((model) =>
    model.provider === 'rekognition' ? [model] : [],
  );
  let rekognition: RunningRekognitionEmulator | undefined;
  let rekognitionClient: RekognitionClient | undefined;
  if (rekognitionModels.length > 0) {
    rekognition = await startRekognitionEmulator({
      monotonicNowMs: () => clock.now().getTime(),
      retryAfterSeconds: 0,
      ...rekognitionOptions,
      clock,
      models: rekognitionModels.map((model) => {
        const projectName = projectNameOfArn(model.projectArn);
        if (projectName === undefined)
          throw new RangeError(`${model.id}: the emulator cannot hold project ${model.projectArn}`);
        return { projectName, projectArn: model.projectArn, versionName: model.versionName };
      }),
    });
    process.env.AWS_ENDPOINT_URL_REKOGNITION = rekognition.url;
    rekognitionClient = createRekognitionClient({
      region,
      credentials: localCredentials,
      retryStrategy: retryStrategy(),
    });
    hosts.rekognition = new RekognitionModelHost(rekognitionClient);
  }

  return {
    clock,
    emulator: emulator as RunningEmulator & { readonly clock: VirtualClock },
    ...(rekognition
      ? { rekognition: rekognition as RunningRekognitionEmulator & { readonly clock: VirtualClock } }
      : {}),
    client,
    ...(rekognitionClient ? { rekognitionClient } : {}),
    deps: {
      configs: new DynamoConfigRepository(documents, tables.configTable),
      runs: new DynamoRunRepository(documents, tables.runsTable),
      hosts,
      // Time is virtual: waiting on the wall clock between retries would only slow the simulation.
      sleep: async () => {},
    },
    close: async () => {
      client.destroy();
      rekognitionClient?.destroy();
      await emulator.close();
      await rekognition?.close();
    },
  };
};

import type { LookoutVisionClient } from '@aws-sdk/client-lookoutvision';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import type { ReconcileDeps } from '../app/reconcile.ts';
import { VirtualClock } from '../emulator/clock.ts';
import type { EmulatorOptions, RunningEmulator } from '../emulator/lookoutvision-emulator.ts';
import { startEmulator } from '../emulator/lookoutvision-emulator.ts';
import { LookoutVisionModelHost } from '../hosting/lookoutvision-model-host.ts';
import { createLookoutVisionClient } from '../platform/aws-clients.ts';
import type { TableNames } from '../platform/env.ts';
import type { SchedulerConfig } from '../schedule/config.ts';
import { DynamoConfigRepository } from '../store/dynamo-config-repository.ts';
import { DynamoRunRepository } from '../store/dynamo-run-repository.ts';

/** The scheduler wired to DynamoDB tables and a Lookout for Vision emulator on a virtual clock. */
export interface LocalScheduler {
  readonly clock: VirtualClock;
  readonly emulator: RunningEmulator & { readonly clock: VirtualClock };
  readonly deps: ReconcileDeps & {
    readonly configs: DynamoConfigRepository;
    readonly runs: DynamoRunRepository;
  };
  readonly client: LookoutVisionClient;
  close(): Promise<void>;
}

export interface LocalSchedulerOptions extends Omit<EmulatorOptions, 'clock' | 'models'> {
  readonly config: SchedulerConfig;
  readonly start: Date;
  readonly documents: DynamoDBDocumentClient;
  readonly tables: TableNames;
}

/**
 * Starts an emulator holding every Lookout for Vision model of `config` (TRAINED), points a real
 * SDK client at it through `AWS_ENDPOINT_URL_LOOKOUTVISION` (the SDK's own variable), and builds
 * the scheduler's stores and host as the Lambdas do. The emulator's quota counts virtual seconds,
 * since the whole pass happens at one virtual instant, and its throttling answers carry no
 * wall-clock `Retry-After` (the SDK's own backoff still applies).
 */
export const startLocalScheduler = async (options: LocalSchedulerOptions): Promise<LocalScheduler> => {
  const { config, start, documents, tables, ...emulatorOptions } = options;
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
  const client = createLookoutVisionClient({
    region: process.env.AWS_REGION ?? 'eu-central-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // The SDK still retries throttled and failed calls (3 attempts), but without wall-clock backoff
    // or adaptive rate limiting: the quota counts virtual seconds, and a day passes in seconds here.
    retryStrategy: new ConfiguredRetryStrategy(3, () => 1),
  });
  return {
    clock,
    emulator: emulator as RunningEmulator & { readonly clock: VirtualClock },
    client,
    deps: {
      configs: new DynamoConfigRepository(documents, tables.configTable),
      runs: new DynamoRunRepository(documents, tables.runsTable),
      hosts: { lookoutvision: new LookoutVisionModelHost(client) },
      // Time is virtual: waiting on the wall clock between retries would only slow the simulation.
      sleep: async () => {},
    },
    close: async () => {
      client.destroy();
      await emulator.close();
    },
  };
};

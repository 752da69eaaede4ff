import { applyConfig } from '../../src/app/apply-config.ts';
import type { HostRegistry, ReconcileDeps } from '../../src/app/reconcile.ts';
import { type ShiftsConfig, shiftsRules } from '../../src/providers/config.ts';
import { createLookoutVisionClient } from '../../src/providers/lookoutvision/client.ts';
import { LookoutVisionModelHost } from '../../src/providers/lookoutvision/host.ts';
import { createRekognitionClient } from '../../src/providers/rekognition/client.ts';
import { RekognitionModelHost } from '../../src/providers/rekognition/host.ts';
import {
  type LocalScheduler,
  type LocalSchedulerOptions,
  startLocalScheduler,
} from '../../src/simulation/local-scheduler.ts';
import { DynamoConfigRepository } from '../../src/store/dynamo-config-repository.ts';
import { DynamoRunRepository } from '../../src/store/dynamo-run-repository.ts';
import { createTestTables, type TestTables } from './dynamodb.ts';

/** The scheduler on tables of its own and an emulator at `start`, with `config` applied. */
export interface ScheduledTest {
  readonly tables: TestTables;
  readonly local: LocalScheduler;
  /** Stops the emulator and drops the tables. */
  close(): Promise<void>;
}

/**
 * Creates tables named after `prefix`, starts the emulator on a virtual clock at `start` holding
 * `config`'s models, and applies `config`: the ground every scheduler integration test stands on.
 */
export const startScheduledTest = async (
  prefix: string,
  config: ShiftsConfig,
  start: Date,
  options: Omit<LocalSchedulerOptions, 'config' | 'start' | 'documents' | 'tables'> = {},
): Promise<ScheduledTest> => {
  const tables = await createTestTables(prefix);
  const local = await startLocalScheduler({
    config,
    start,
    documents: tables.client,
    tables: tables.names,
    ...options,
  });
  await applyConfig(local.deps.configs, config, { source: `${prefix}.yml`, at: start });
  return {
    tables,
    local,
    close: async () => {
      await local.close();
      await tables.drop();
    },
  };
};

/**
 * Another invocation of the scheduler: its own SDK clients and repositories on the same tables and
 * emulators, as a second Lambda running at the same time has (the endpoints come from the SDK's
 * `AWS_ENDPOINT_URL_*` variables that the scheduler's start set).
 */
export const secondInvocation = ({ tables, local }: ScheduledTest): ReconcileDeps => {
  const clientConfig = { region: 'eu-central-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } };
  const hosts: HostRegistry = {
    lookoutvision: new LookoutVisionModelHost(createLookoutVisionClient(clientConfig)),
  };
  if (local.rekognition) hosts.rekognition = new RekognitionModelHost(createRekognitionClient(clientConfig));
  return {
    configs: new DynamoConfigRepository(tables.client, tables.names.configTable, shiftsRules),
    runs: new DynamoRunRepository(tables.client, tables.names.runsTable),
    hosts,
    sleep: async () => {},
  };
};

import { applyConfig } from '../../src/app/apply-config.ts';
import type { SchedulerConfig } from '../../src/schedule/config.ts';
import {
  type LocalScheduler,
  type LocalSchedulerOptions,
  startLocalScheduler,
} from '../../src/simulation/local-scheduler.ts';
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
  config: SchedulerConfig,
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

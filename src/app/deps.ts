import { createDynamoDocumentClient } from '../platform/aws-clients.ts';
import { type Env, readTableNames, requireTableNames, type TableNames } from '../platform/env.ts';
import { Pacer, pacedClient, systemPacerClock } from '../platform/pacer.ts';
import { shiftsRules } from '../providers/config.ts';
import type { ProviderDefinition } from '../providers/provider.ts';
import { providerOf, providers } from '../providers/registry.ts';
import { DynamoConfigRepository } from '../store/dynamo-config-repository.ts';
import { DynamoRunRepository } from '../store/dynamo-run-repository.ts';
import type { HostRegistry, ReconcileDeps } from './reconcile.ts';

/** The stores and hosts a use case needs, built from the environment. */
export interface AppDeps extends Pick<ReconcileDeps, 'configs' | 'runs' | 'hosts' | 'pacer'> {
  readonly tables: TableNames;
}

/**
 * Builds the stores and one host per registered provider from the environment: table names from
 * `CONFIG_TABLE_NAME`/`RUNS_TABLE_NAME` (required for Lambdas, defaulted for the CLI), endpoints
 * from the SDK's own `AWS_ENDPOINT_URL_*`. `onHostingClient` sees each hosting SDK client once, as
 * it is built (the functions count their calls through it).
 */
export const depsFromEnv = (
  env: Env,
  options: { requireTables?: boolean; onHostingClient?: (client: unknown) => void } = {},
): AppDeps => {
  const tables = options.requireTables ? requireTableNames(env) : readTableNames(env);
  const documents = createDynamoDocumentClient();
  // One pacer per process: every call of a provider waits for its API's slot under the quota.
  const pacer = new Pacer(
    systemPacerClock,
    (key) => providerOf(key.slice(0, key.indexOf(':')))?.requestsPerSecond ?? 5,
  );
  const hosts: HostRegistry = Object.fromEntries(
    providers.map((provider: ProviderDefinition) => {
      const client = pacedClient(provider.createClient(), provider.id, pacer);
      // Lets the caller see each SDK client before use, e.g. to count the calls it sends.
      options.onHostingClient?.(client);
      return [provider.id, provider.createHost(client)];
    }),
  );
  return {
    tables,
    configs: new DynamoConfigRepository(documents, tables.configTable, shiftsRules),
    runs: new DynamoRunRepository(documents, tables.runsTable),
    hosts,
    pacer,
  };
};

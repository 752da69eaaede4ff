import packageJson from '../package.json' with { type: 'json' };
import { requireTableNames } from '../src/platform/env.ts';

export interface HealthResult {
  readonly service: string;
  readonly version: string;
  readonly tables: { readonly config: string; readonly runs: string };
}

// Read once per cold start: a missing variable fails the first invocation with the key's name.
const tables = requireTableNames(process.env);

/** Invoke-only check that a deployment is wired: which version runs and which tables it uses. */
export const handler = async (): Promise<HealthResult> => ({
  service: packageJson.name,
  version: packageJson.version,
  tables: { config: tables.configTable, runs: tables.runsTable },
});

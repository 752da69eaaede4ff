/** The environment is read once, at the edge, through these readers; the rest of the code gets values. */

import { SchedulerError } from '../errors.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** A variable the program needs is missing or empty. */
export class EnvironmentError extends SchedulerError {
  override readonly name = 'EnvironmentError';
  readonly code = 'EnvironmentMissing';
  constructor(
    readonly key: string,
    message = `environment variable ${key} is not set`,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The two DynamoDB tables the scheduler uses. */
export interface TableNames {
  readonly configTable: string;
  readonly runsTable: string;
}

/** The table names the CLI uses when `CONFIG_TABLE_NAME` / `RUNS_TABLE_NAME` are unset. */
export const defaultTableNames: TableNames = {
  configTable: 'model-shift-scheduler-config',
  runsTable: 'model-shift-scheduler-runs',
};

const nonEmpty = (env: Env, key: string): string | undefined => {
  const value = env[key]?.trim();
  return value ? value : undefined;
};

/**
 * The value of `key`, or an {@link EnvironmentError} that names the key when it is unset or empty.
 */
export const requireEnv = (env: Env, key: string): string => {
  const value = nonEmpty(env, key);
  if (value === undefined) throw new EnvironmentError(key);
  return value;
};

/** The value of `key`, or `fallback` when it is unset or empty. */
export const optionalEnv = (env: Env, key: string, fallback: string): string =>
  nonEmpty(env, key) ?? fallback;

/**
 * The table names from `CONFIG_TABLE_NAME` and `RUNS_TABLE_NAME`, each defaulting to
 * {@link defaultTableNames} (serverless.yml always sets both for the Lambdas).
 */
export const readTableNames = (env: Env): TableNames => ({
  configTable: optionalEnv(env, 'CONFIG_TABLE_NAME', defaultTableNames.configTable),
  runsTable: optionalEnv(env, 'RUNS_TABLE_NAME', defaultTableNames.runsTable),
});

/** Like {@link readTableNames}, but both variables must be set: a deployed Lambda never guesses. */
export const requireTableNames = (env: Env): TableNames => ({
  configTable: requireEnv(env, 'CONFIG_TABLE_NAME'),
  runsTable: requireEnv(env, 'RUNS_TABLE_NAME'),
});

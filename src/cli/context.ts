import { readFileSync } from 'node:fs';
import { Temporal } from 'temporal-polyfill';
import { type AppDeps, depsFromEnv } from '../app/deps.ts';
import { RuntimeFailure, UsageError } from '../errors.ts';
import { badPathCodeOf } from '../platform/errors.ts';
import { parseShiftsText, type ShiftsConfig } from '../providers/config.ts';
import { EARLIEST_INSTANT, isSupportedInstant, LATEST_INSTANT } from '../schedule/zoned.ts';
import { StoreError } from '../store/store-error.ts';
import type { CliIo } from './io.ts';

/** Reads an ISO 8601 instant option (`Z` or an offset); anything else is a usage error naming the flag. */
export const parseInstantOption = (flag: string, value: string | undefined, fallback?: Date): Date => {
  if (value === undefined) {
    if (fallback) return fallback;
    throw new UsageError(
      `${flag} ISO is required: an instant such as 2027-03-26T00:00:00Z or 2027-03-26T06:00+01:00`,
    );
  }
  let instant: Date;
  try {
    instant = new Date(Temporal.Instant.from(value).epochMilliseconds);
  } catch {
    throw new UsageError(
      `${flag} ${JSON.stringify(value)} is not an ISO 8601 instant; give a date and time with Z or an offset, ` +
        'e.g. 2027-03-26T00:00:00Z or 2027-03-26T06:00+01:00',
    );
  }
  if (!isSupportedInstant(instant)) {
    throw new UsageError(
      `${flag} ${JSON.stringify(value)} is outside the years 0001–9999 the scheduler plans in ` +
        `(${EARLIEST_INSTANT.toISOString()} to ${LATEST_INSTANT.toISOString()})`,
    );
  }
  return instant;
};

/**
 * Reads and validates a shifts.yml.
 *
 * @throws UsageError when the path cannot name a readable file; ValidationError when the file is bad
 */
export const readConfigFile = (file: string): ShiftsConfig => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = badPathCodeOf(error);
    if (code !== undefined) {
      throw new UsageError(`cannot read ${file} (${code}); give -f the path of a shifts.yml`, {
        cause: error,
      });
    }
    throw error;
  }
  return parseShiftsText(text, file);
};

const endpointOf = (env: CliIo['env']): string =>
  env.AWS_ENDPOINT_URL_DYNAMODB ||
  env.AWS_ENDPOINT_URL ||
  `DynamoDB in ${env.AWS_REGION ?? '(no AWS_REGION set)'}`;

/** The store's error behind `error`, which may have been wrapped on its way up (a pass's own error). */
const storeErrorIn = (error: unknown): StoreError | undefined => {
  for (let found = error, depth = 0; found instanceof Error && depth < 5; found = found.cause, depth += 1) {
    if (found instanceof StoreError) return found;
  }
  return undefined;
};

/**
 * What to do when a table is the trouble, by the store's code: the message names the table and the
 * endpoint, and the variables that choose them.
 */
export const storeAdvice = (error: StoreError, env: CliIo['env']): RuntimeFailure => {
  const endpoint = endpointOf(env);
  const reason = error.cause instanceof Error ? error.cause.message : error.message;
  const advice: Record<StoreError['code'], string> = {
    TableMissing: `table ${error.tableName} does not exist at ${endpoint}: run \`shiftctl tables create\` (or set CONFIG_TABLE_NAME / RUNS_TABLE_NAME)`,
    Unreachable: `cannot reach ${endpoint} (${reason}); start it or set AWS_ENDPOINT_URL_DYNAMODB`,
    Throttled: `table ${error.tableName} at ${endpoint} is throttling requests (${reason}); try again shortly`,
    Failed: `table ${error.tableName} at ${endpoint}: ${reason}`,
  };
  return new RuntimeFailure(advice[error.code], { cause: error });
};

/**
 * Runs `use` with the stores and hosts built from the environment, and turns a store's coded error
 * (no table, no endpoint, throttled) into one message that says what to do. Every other error,
 * "no configuration has been applied" included, keeps its own class and exit status.
 */
export const withDeps = async <T>(io: CliIo, use: (deps: AppDeps) => Promise<T>): Promise<T> => {
  const deps = depsFromEnv(io.env);
  try {
    return await use(deps);
  } catch (error) {
    const store = storeErrorIn(error);
    if (store !== undefined) throw storeAdvice(store, io.env);
    throw error;
  }
};

/** Prints JSON the way every `--json` option does: one document, two-space indent. */
export const printJson = (io: CliIo, value: unknown): void => io.out(`${JSON.stringify(value, null, 2)}\n`);

import { readFileSync } from 'node:fs';
import { Temporal } from 'temporal-polyfill';
import { type AppDeps, depsFromEnv } from '../app/deps.ts';
import { PassError } from '../app/reconcile.ts';
import { RuntimeFailure, UsageError } from '../errors.ts';
import { badPathCodeOf } from '../platform/errors.ts';
import { parseShiftsText, type ShiftsConfig } from '../providers/config.ts';
import { EARLIEST_INSTANT, isSupportedInstant, LATEST_INSTANT } from '../schedule/zoned.ts';
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

const endpointOf = (io: CliIo): string =>
  io.env.AWS_ENDPOINT_URL_DYNAMODB ||
  io.env.AWS_ENDPOINT_URL ||
  `DynamoDB in ${io.env.AWS_REGION ?? '(no AWS_REGION set)'}`;

/**
 * Runs `use` with the stores and hosts built from the environment, and turns what can go wrong
 * with them (no table, no endpoint, no configuration) into one message that says what to do.
 */
export const withDeps = async <T>(io: CliIo, use: (deps: AppDeps) => Promise<T>): Promise<T> => {
  const deps = depsFromEnv(io.env);
  try {
    return await use(deps);
  } catch (error) {
    if (error instanceof UsageError || error instanceof PassError) throw error;
    const name = error instanceof Error ? error.name : '';
    const message = error instanceof Error ? error.message : String(error);
    if (name === 'ResourceNotFoundException' && /table/i.test(message)) {
      throw new RuntimeFailure(
        `table ${deps.tables.configTable} or ${deps.tables.runsTable} does not exist at ${endpointOf(io)}: run \`shiftctl tables create\` (or set CONFIG_TABLE_NAME / RUNS_TABLE_NAME)`,
        { cause: error },
      );
    }
    if (
      /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|connect/i.test(
        `${name} ${message} ${String((error as { code?: string }).code)}`,
      )
    ) {
      throw new RuntimeFailure(
        `cannot reach ${endpointOf(io)} (${message}); start it or set AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_LOOKOUTVISION`,
        { cause: error },
      );
    }
    throw error;
  }
};

/** Prints JSON the way every `--json` option does: one document, two-space indent. */
export const printJson = (io: CliIo, value: unknown): void => io.out(`${JSON.stringify(value, null, 2)}\n`);

/**
 * What the repositories answer when the table itself is the trouble. Every DynamoDB call of a
 * repository goes through {@link storeCall}, so no SDK exception leaves `src/store/` untranslated:
 * callers match on `StoreError.code`, never on the SDK's class names or message text.
 */
import {
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { SchedulerError } from '../errors.ts';

/**
 * `TableMissing`: no such table at the endpoint. `Unreachable`: no answer from the endpoint at all.
 * `Throttled`: the table refused the request rate after the SDK's own retries. `Failed`: anything
 * else the service or the network answered.
 */
export type StoreErrorCode = 'TableMissing' | 'Unreachable' | 'Throttled' | 'Failed';

/** A repository call that failed because of the table or the way to it. Exit status 1. */
export class StoreError extends SchedulerError {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    /** The table the call was for. */
    readonly tableName: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Node's codes for a connection that could not be made or was lost. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

const codeOf = (error: unknown): StoreErrorCode => {
  if (error instanceof ResourceNotFoundException) return 'TableMissing';
  if (
    error instanceof ProvisionedThroughputExceededException ||
    error instanceof ThrottlingException ||
    error instanceof RequestLimitExceeded
  ) {
    return 'Throttled';
  }
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  // The SDK's request handler names its connection timeout `TimeoutError`.
  if ((typeof code === 'string' && NETWORK_CODES.has(code)) || name === 'TimeoutError') return 'Unreachable';
  return 'Failed';
};

const describe: Record<StoreErrorCode, (table: string) => string> = {
  TableMissing: (table) => `table ${table} does not exist`,
  Unreachable: (table) => `cannot reach DynamoDB for table ${table}`,
  Throttled: (table) => `table ${table} is throttling requests`,
  Failed: (table) => `table ${table}`,
};

/**
 * Translates an error of a DynamoDB call on `tableName` into a {@link StoreError} that keeps the
 * original as `cause`; the project's own errors pass through.
 */
export const toStoreError = (error: unknown, tableName: string): SchedulerError => {
  if (error instanceof SchedulerError) return error;
  const code = codeOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreError(code, tableName, `${describe[code](tableName)}: ${detail}`, { cause: error });
};

/**
 * Runs one DynamoDB call on `tableName` and translates what it throws (see {@link toStoreError}).
 * Conditional-write failures are the caller's to read, so they pass through as they are.
 */
export const storeCall = async <T>(
  tableName: string,
  call: () => Promise<T>,
  passThrough: (error: unknown) => boolean = () => false,
): Promise<T> => {
  try {
    return await call();
  } catch (error) {
    if (passThrough(error)) throw error;
    throw toStoreError(error, tableName);
  }
};

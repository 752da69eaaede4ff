import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SchedulerError } from '../errors.ts';
import type { TableNames } from '../platform/env.ts';
import { type TableDefinition, tableDefinitions } from '../platform/table-definitions.ts';

/** Creating or checking a table failed; `cause` holds the SDK's error. */
export class TableSetupError extends SchedulerError {
  override readonly name = 'TableSetupError';
  readonly code = 'TableSetup';
  constructor(
    readonly tableName: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** What {@link ensureTables} found or did for one table. */
export interface EnsuredTable {
  readonly logicalId: TableDefinition['logicalId'];
  readonly tableName: string;
  /** `created` now, or `existing`: it was there already and was left alone. */
  readonly outcome: 'created' | 'existing';
  /** The table's status once done (ACTIVE). */
  readonly status: string;
  /** The TTL attribute enabled on creation (the definition's; an existing table is not changed). */
  readonly timeToLiveAttribute?: string;
  /**
   * Point-in-time recovery as set on creation: `enabled`, or `unsupported` where the endpoint has no
   * such operation (DynamoDB Local). Absent for an existing table or a definition without it.
   */
  readonly pointInTimeRecovery?: 'enabled' | 'unsupported';
}

export interface EnsureTablesOptions {
  readonly signal?: AbortSignal;
  /** How long to wait for a table to become ACTIVE. Default 5 minutes. */
  readonly activeTimeoutMs?: number;
  /** Pause between DescribeTable calls while waiting. Default 1 s. */
  readonly pollIntervalMs?: number;
}

type AnyDynamoClient = DynamoDBClient | DynamoDBDocumentClient;

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

const describe = async (
  client: AnyDynamoClient,
  tableName: string,
  signal: AbortSignal | undefined,
): Promise<TableDescription | undefined> => {
  try {
    const out = await (client as DynamoDBClient).send(
      new DescribeTableCommand({ TableName: tableName }),
      signal ? { abortSignal: signal } : {},
    );
    return out.Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

const waitUntilActive = async (
  client: AnyDynamoClient,
  tableName: string,
  options: EnsureTablesOptions,
): Promise<string> => {
  const deadline = Date.now() + (options.activeTimeoutMs ?? 300_000);
  for (;;) {
    const status = (await describe(client, tableName, options.signal))?.TableStatus;
    if (status === 'ACTIVE') return status;
    if (Date.now() > deadline) {
      throw new TableSetupError(
        tableName,
        `table ${tableName} is ${status ?? 'missing'}, not ACTIVE, after waiting`,
      );
    }
    await sleep(options.pollIntervalMs ?? 1_000, options.signal);
  }
};

const ensureTable = async (
  client: AnyDynamoClient,
  definition: TableDefinition,
  options: EnsureTablesOptions,
): Promise<EnsuredTable> => {
  const { TableName: tableName } = definition.createTable;
  const send = (client as DynamoDBClient).send.bind(client as DynamoDBClient);
  const http = options.signal ? { abortSignal: options.signal } : {};
  try {
    let created = false;
    if ((await describe(client, tableName, options.signal)) === undefined) {
      try {
        await send(new CreateTableCommand(definition.createTable), http);
        created = true;
      } catch (error) {
        // Someone else created it between our look and our create: theirs stands.
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    }
    const status = await waitUntilActive(client, tableName, options);
    if (!created) return { logicalId: definition.logicalId, tableName, outcome: 'existing', status };

    if (definition.timeToLiveAttribute) {
      await send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
        }),
        http,
      );
    }
    let pointInTimeRecovery: EnsuredTable['pointInTimeRecovery'];
    if (definition.pointInTimeRecovery) {
      try {
        await send(
          new UpdateContinuousBackupsCommand({
            TableName: tableName,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
          http,
        );
        pointInTimeRecovery = 'enabled';
      } catch (error) {
        // DynamoDB Local has no backups at all; everywhere else this is a real failure.
        if (!(error instanceof Error && error.name === 'UnknownOperationException')) throw error;
        pointInTimeRecovery = 'unsupported';
      }
    }
    return {
      logicalId: definition.logicalId,
      tableName,
      outcome: 'created',
      status,
      ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
      ...(pointInTimeRecovery ? { pointInTimeRecovery } : {}),
    };
  } catch (error) {
    if (error instanceof TableSetupError) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new TableSetupError(tableName, `table ${tableName}: ${reason}`, { cause: error });
  }
};

/**
 * Creates the config and runs tables exactly as deploy/tables.yml defines them (keys, billing,
 * encryption; then TTL and point-in-time recovery) and waits until both are ACTIVE. A table that
 * already exists is left alone. Throws {@link TableSetupError} naming the table on failure.
 */
export const ensureTables = async (
  client: AnyDynamoClient,
  names: TableNames,
  options: EnsureTablesOptions = {},
): Promise<readonly EnsuredTable[]> => {
  const definitions = tableDefinitions(names);
  return Promise.all([
    ensureTable(client, definitions.config, options),
    ensureTable(client, definitions.runs, options),
  ]);
};

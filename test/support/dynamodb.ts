import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { type EnsuredTable, ensureTables } from '../../src/app/tables.ts';
import { createDynamoDbClient, createDynamoDocumentClient } from '../../src/platform/aws-clients.ts';
import { isLocalEndpoint } from '../../src/platform/dynamodb-local.ts';
import type { TableNames } from '../../src/platform/env.ts';

/** The DynamoDB endpoint of this test run (from the global setup); refuses anything not local. */
export const localDynamoDbEndpoint = (): string => {
  const endpoint = inject('dynamoDbEndpoint') ?? process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (!endpoint) {
    throw new Error(
      'no DynamoDB endpoint: run this test in a vitest project with test/support/dynamodb-global-setup.ts',
    );
  }
  if (!isLocalEndpoint(endpoint)) throw new Error(`refusing to use non-local DynamoDB endpoint ${endpoint}`);
  return endpoint;
};

const clientOptions = (endpoint: string) => ({
  endpoint,
  region: process.env.AWS_REGION || 'eu-central-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

/** A low-level client for the local endpoint (table administration, describe calls). */
export const createLocalDynamoDbClient = (): DynamoDBClient =>
  createDynamoDbClient(clientOptions(localDynamoDbEndpoint()));

/** A document client for the local endpoint, configured as the product's own. */
export const createLocalDocumentClient = (): DynamoDBDocumentClient =>
  createDynamoDocumentClient(clientOptions(localDynamoDbEndpoint()));

/** Tables of one test file: unique names, created from deploy/tables.yml, dropped by `drop()`. */
export interface TestTables {
  readonly names: TableNames;
  readonly endpoint: string;
  /** A document client on the local endpoint, for the code under test. */
  readonly client: DynamoDBDocumentClient;
  readonly created: readonly EnsuredTable[];
  /** Deletes both tables and closes the client. */
  drop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Table-name-safe and short: `[A-Za-z0-9_.-]`, at most 40 characters of the caller's prefix. */
const slug = (prefix: string): string =>
  prefix
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'test';

/**
 * Creates the config and runs tables under names unique to this call (`<prefix>-<random>-config`
 * and `-runs`), exactly as deploy/tables.yml defines them, on the local endpoint only.
 */
export const createTestTables = async (prefix: string): Promise<TestTables> => {
  const endpoint = localDynamoDbEndpoint();
  const base = `${slug(prefix)}-${randomUUID().slice(0, 8)}`;
  const names: TableNames = { configTable: `${base}-config`, runsTable: `${base}-runs` };
  const admin = createDynamoDbClient(clientOptions(endpoint));
  const client = createDynamoDocumentClient(clientOptions(endpoint));
  const created = await ensureTables(admin, names, { pollIntervalMs: 50 });
  let dropped: Promise<void> | undefined;
  const drop = (): Promise<void> => {
    dropped ??= (async () => {
      try {
        for (const tableName of [names.configTable, names.runsTable]) {
          try {
            await admin.send(new DeleteTableCommand({ TableName: tableName }));
          } catch (error) {
            if (!(error instanceof ResourceNotFoundException)) throw error;
          }
        }
      } finally {
        client.destroy();
        admin.destroy();
      }
    })();
    return dropped;
  };
  return { names, endpoint, client, created, drop, [Symbol.asyncDispose]: drop };
};

/**
 * Registers `beforeAll`/`afterAll` hooks that create this file's tables and drop them afterwards;
 * read `names` and `client` inside tests (they exist once `beforeAll` has run).
 */
export const useTestTables = (prefix: string): Pick<TestTables, 'names' | 'client' | 'endpoint'> => {
  let tables: TestTables | undefined;
  beforeAll(async () => {
    tables = await createTestTables(prefix);
  });
  afterAll(async () => {
    await tables?.drop();
  });
  const current = (): TestTables => {
    if (!tables) throw new Error('useTestTables: tables are created in beforeAll; read them inside a test');
    return tables;
  };
  return {
    get names() {
      return current().names;
    },
    get client() {
      return current().client;
    },
    get endpoint() {
      return current().endpoint;
    },
  };
};

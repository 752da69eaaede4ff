import { readFileSync } from 'node:fs';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';
import * as z from 'zod';
import type { TableNames } from './env.ts';

/**
 * The tables as deploy/tables.yml declares them: that CloudFormation fragment, which serverless.yml
 * includes, is the only hand-written copy. Everything that creates tables outside CloudFormation
 * (`shiftctl tables create`, the test setup) builds its requests from here.
 */

/** Where the fragment lives, resolved from this module so it is found from any working directory. */
export const tablesFileUrl = new URL('../../deploy/tables.yml', import.meta.url);

const keyAttribute = z.strictObject({
  AttributeName: z.string().min(1),
  AttributeType: z.enum(['S', 'N', 'B']),
});
const keyElement = z.strictObject({ AttributeName: z.string().min(1), KeyType: z.enum(['HASH', 'RANGE']) });

const tableResource = z.strictObject({
  Type: z.literal('AWS::DynamoDB::Table'),
  DeletionPolicy: z.string().optional(),
  UpdateReplacePolicy: z.string().optional(),
  Properties: z.strictObject({
    TableName: z.string().min(1),
    BillingMode: z.literal('PAY_PER_REQUEST'),
    AttributeDefinitions: z.array(keyAttribute).min(1),
    KeySchema: z.array(keyElement).min(1).max(2),
    PointInTimeRecoverySpecification: z.strictObject({ PointInTimeRecoveryEnabled: z.boolean() }).optional(),
    SSESpecification: z.strictObject({ SSEEnabled: z.boolean() }).optional(),
    TimeToLiveSpecification: z
      .strictObject({ AttributeName: z.string().min(1), Enabled: z.boolean() })
      .optional(),
  }),
});

const tablesFragment = z.strictObject({
  Resources: z.strictObject({ ConfigTable: tableResource, RunsTable: tableResource }),
});

/** The CloudFormation logical ids of the tables, as serverless.yml references them. */
export type TableLogicalId = keyof z.infer<typeof tablesFragment>['Resources'];

/** One table, ready to create against any DynamoDB endpoint. */
export interface TableDefinition {
  readonly logicalId: TableLogicalId;
  /** The request that creates the table; its name is the caller's. */
  readonly createTable: CreateTableCommandInput & { readonly TableName: string };
  /** The TTL attribute to enable once the table is ACTIVE, when the table has one. */
  readonly timeToLiveAttribute?: string;
  /** Whether point-in-time recovery is declared on. */
  readonly pointInTimeRecovery: boolean;
}

/** Both tables, keyed by role. */
export interface TableDefinitions {
  readonly config: TableDefinition;
  readonly runs: TableDefinition;
}

/** The fragment parsed and checked; throws naming the file and field when it does not fit. */
export const readTablesFragment = (url: URL = tablesFileUrl): z.infer<typeof tablesFragment> => {
  const parsed = tablesFragment.safeParse(parse(readFileSync(url, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${url.pathname}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'not a tables fragment'}`,
    );
  }
  return parsed.data;
};

const toDefinition = (
  logicalId: TableLogicalId,
  resource: z.infer<typeof tableResource>,
  tableName: string,
): TableDefinition => {
  const props = resource.Properties;
  const ttl = props.TimeToLiveSpecification;
  return {
    logicalId,
    createTable: {
      TableName: tableName,
      BillingMode: props.BillingMode,
      AttributeDefinitions: props.AttributeDefinitions.map((a) => ({ ...a })),
      KeySchema: props.KeySchema.map((k) => ({ ...k })),
      ...(props.SSESpecification ? { SSESpecification: { Enabled: props.SSESpecification.SSEEnabled } } : {}),
    },
    ...(ttl?.Enabled ? { timeToLiveAttribute: ttl.AttributeName } : {}),
    pointInTimeRecovery: props.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled ?? false,
  };
};

/**
 * The create requests and TTL settings of both tables, named as the caller says (the deployed
 * names come from CloudFormation; the CLI and tests choose their own).
 */
export const tableDefinitions = (names: TableNames, url: URL = tablesFileUrl): TableDefinitions => {
  const { Resources } = readTablesFragment(url);
  return {
    config: toDefinition('ConfigTable', Resources.ConfigTable, names.configTable),
    runs: toDefinition('RunsTable', Resources.RunsTable, names.runsTable),
  };
};

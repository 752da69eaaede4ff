import type { Command } from 'commander';
import { type EnsuredTable, ensureTables, TableSetupError } from '../../app/tables.ts';
import { createDynamoDbClient } from '../../platform/aws-clients.ts';
import { type Env, readTableNames } from '../../platform/env.ts';
import type { CliIo } from '../io.ts';

/** Where the SDK will send DynamoDB requests, in words, for error messages. */
const describeEndpoint = (env: Env): string => {
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL;
  if (endpoint) return endpoint;
  return env.AWS_REGION ? `DynamoDB in ${env.AWS_REGION}` : 'DynamoDB (no AWS_REGION set)';
};

const describeResult = (table: EnsuredTable): string => {
  if (table.outcome === 'existing') return `${table.tableName}: exists, left alone (${table.status})`;
  const details = [
    table.status,
    ...(table.timeToLiveAttribute ? [`TTL on ${table.timeToLiveAttribute}`] : []),
    ...(table.pointInTimeRecovery === 'unsupported'
      ? ['point-in-time recovery not supported by this endpoint']
      : []),
    ...(table.pointInTimeRecovery === 'enabled' ? ['point-in-time recovery on'] : []),
  ];
  return `${table.tableName}: created (${details.join(', ')})`;
};

/** `shiftctl tables create`: the config and runs tables, as deploy/tables.yml defines them. */
export const registerTablesCommand = (program: Command, io: CliIo): void => {
  const tables = program.command('tables').description('manage the DynamoDB tables the scheduler uses');
  tables
    .command('create')
    .description(
      'create the config and runs tables exactly as serverless.yml defines them (deploy/tables.yml) on the ' +
        'configured DynamoDB endpoint and wait until they are ACTIVE; a table that exists is left alone',
    )
    .addHelpText(
      'after',
      [
        '',
        'Table names come from CONFIG_TABLE_NAME and RUNS_TABLE_NAME (default model-shift-scheduler-config',
        'and model-shift-scheduler-runs); the endpoint from AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL.',
        '',
        'Example (DynamoDB Local on port 8000):',
        '  AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 AWS_REGION=eu-central-1 \\',
        '  AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local shiftctl tables create',
      ].join('\n'),
    )
    .action(async () => {
      const names = readTableNames(io.env);
      const client = createDynamoDbClient();
      try {
        const results = await ensureTables(client, names);
        for (const result of results) io.out(describeResult(result));
      } catch (error) {
        const reason =
          error instanceof TableSetupError && error.cause instanceof Error
            ? `${error.cause.name}: ${error.cause.message}`
            : error instanceof Error
              ? error.message
              : String(error);
        throw new TableSetupError(
          error instanceof TableSetupError ? error.tableName : names.configTable,
          `tables create failed against ${describeEndpoint(io.env)}: ${reason}\n` +
            'check that the endpoint is running and reachable (AWS_ENDPOINT_URL_DYNAMODB), ' +
            'and that AWS_REGION and credentials are set',
          { cause: error },
        );
      } finally {
        client.destroy();
      }
    });
};

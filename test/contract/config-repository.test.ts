import { afterAll } from 'vitest';
import { shiftsRules } from '../../src/providers/config.ts';
import { DynamoConfigRepository } from '../../src/store/dynamo-config-repository.ts';
import { InMemoryConfigRepository } from '../../src/store/in-memory-config-repository.ts';
import { createTestTables, type TestTables } from '../support/dynamodb.ts';
import { describeConfigRepositoryContract } from './config-repository.contract.ts';

describeConfigRepositoryContract('in memory', async () => new InMemoryConfigRepository());

// Each test gets tables of its own: the configuration is one per table.
const created: TestTables[] = [];
afterAll(async () => {
  await Promise.all(created.map((tables) => tables.drop()));
});
describeConfigRepositoryContract('DynamoDB Local', async () => {
  const tables = await createTestTables('config-repository');
  created.push(tables);
  return new DynamoConfigRepository(tables.client, tables.names.configTable, shiftsRules);
});

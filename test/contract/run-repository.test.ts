import { DynamoRunRepository } from '../../src/store/dynamo-run-repository.ts';
import { InMemoryRunRepository } from '../../src/store/in-memory-run-repository.ts';
import { useTestTables } from '../support/dynamodb.ts';
import { describeRunRepositoryContract } from './run-repository.contract.ts';

describeRunRepositoryContract('in memory', () => new InMemoryRunRepository());

const tables = useTestTables('run-repository');
describeRunRepositoryContract(
  'DynamoDB Local',
  () => new DynamoRunRepository(tables.client, tables.names.runsTable),
);

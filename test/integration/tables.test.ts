import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTables } from '../../src/app/tables.ts';
import { main } from '../../src/cli/main.ts';
import { createLocalDynamoDbClient, localDynamoDbEndpoint } from '../support/dynamodb.ts';
import { capture } from '../support/shiftctl.ts';

const shiftctl = fileURLToPath(new URL('../../bin/shiftctl.js', import.meta.url));

/** The lines a command printed. */
const lines = (text: string): string[] => text.trimEnd().split('\n');

const uniqueNames = (prefix: string) => {
  const base = `${prefix}-${randomUUID().slice(0, 8)}`;
  return { configTable: `${base}-config`, runsTable: `${base}-runs` };
};

describe('creating the tables on DynamoDB Local', () => {
  let client: DynamoDBClient;
  const created: string[] = [];

  beforeAll(() => {
    client = createLocalDynamoDbClient();
  });

  afterAll(async () => {
    for (const TableName of created) await client.send(new DeleteTableCommand({ TableName })).catch(() => {});
    client.destroy();
  });

  it('creates both tables as defined, then leaves them alone the second time', async () => {
    // Prepare
    const names = uniqueNames('ensure');
    created.push(names.configTable, names.runsTable);
    // Act
    const first = await ensureTables(client, names, { pollIntervalMs: 50 });
    const second = await ensureTables(client, names, { pollIntervalMs: 50 });
    // Assess
    expect(first.map((t) => [t.tableName, t.outcome, t.status])).toEqual([
      [names.configTable, 'created', 'ACTIVE'],
      [names.runsTable, 'created', 'ACTIVE'],
    ]);
    expect(second.map((t) => [t.tableName, t.outcome])).toEqual([
      [names.configTable, 'existing'],
      [names.runsTable, 'existing'],
    ]);
  });

  it('describes keys, on-demand billing and the TTL attribute of the runs table', async () => {
    // Prepare
    const names = uniqueNames('describe');
    created.push(names.configTable, names.runsTable);
    await ensureTables(client, names, { pollIntervalMs: 50 });
    // Act
    const config = (await client.send(new DescribeTableCommand({ TableName: names.configTable }))).Table;
    const runs = (await client.send(new DescribeTableCommand({ TableName: names.runsTable }))).Table;
    const runsTtl = await client.send(new DescribeTimeToLiveCommand({ TableName: names.runsTable }));
    const configTtl = await client.send(new DescribeTimeToLiveCommand({ TableName: names.configTable }));
    // Assess
    for (const table of [config, runs]) {
      expect(table?.TableStatus).toBe('ACTIVE');
      expect(table?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    }
    expect(runsTtl.TimeToLiveDescription).toEqual({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expiresAt',
    });
    expect(configTtl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
  });

  it('shiftctl tables create prints a line per table and exits 0, twice', async () => {
    // Prepare
    const names = uniqueNames('cli');
    created.push(names.configTable, names.runsTable);
    const env = { ...process.env, CONFIG_TABLE_NAME: names.configTable, RUNS_TABLE_NAME: names.runsTable };
    const first = capture(env);
    const second = capture(env);
    // Act
    const firstStatus = await main(['tables', 'create'], first.io);
    const secondStatus = await main(['tables', 'create'], second.io);
    // Assess
    expect(firstStatus).toBe(0);
    expect(lines(first.out())).toEqual([
      expect.stringMatching(new RegExp(`^${names.configTable}: created \\(ACTIVE`)),
      expect.stringMatching(new RegExp(`^${names.runsTable}: created \\(ACTIVE, TTL on expiresAt`)),
    ]);
    expect(secondStatus).toBe(0);
    expect(lines(second.out())).toEqual([
      `${names.configTable}: exists, left alone (ACTIVE)`,
      `${names.runsTable}: exists, left alone (ACTIVE)`,
    ]);
  });

  it('runs as a command from any working directory', () => {
    // Prepare
    const names = uniqueNames('bin');
    created.push(names.configTable, names.runsTable);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ENDPOINT_URL_DYNAMODB: localDynamoDbEndpoint(),
      CONFIG_TABLE_NAME: names.configTable,
      RUNS_TABLE_NAME: names.runsTable,
    };
    // Act
    const result = spawnSync(process.execPath, [shiftctl, 'tables', 'create'], {
      cwd: tmpdir(),
      env,
      encoding: 'utf8',
    });
    // Assess
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${names.configTable}: created`)),
      expect.stringMatching(new RegExp(`^${names.runsTable}: created`)),
    ]);
  });

  it('exits 1 and says what to check when the endpoint is unreachable', async () => {
    // Prepare: a port nothing listens on (the discard port is not served here).
    const { io, out, err } = capture({ ...process.env, AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' });
    const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:9';
    // Act
    let status: number;
    try {
      status = await main(['tables', 'create'], io);
    } finally {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
    }
    // Assess
    expect(status).toBe(1);
    expect(out()).toBe('');
    expect(err()).toMatch(/tables create failed against http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/);
    expect(err()).toMatch(/check that the endpoint is running/);
  });

  it('exits 2 on a usage error', async () => {
    const { io } = capture(process.env);
    expect(await main(['tables', 'create', '--no-such-option'], io)).toBe(2);
  });
});

/**
 * A configuration version in the table that fails validation (a row edited by hand, or written by
 * a version of the scheduler with other rules) is refused with an alert, and the last valid version
 * keeps running; a valid apply replaces it. DynamoDB Local, the real config repository.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/app/apply-config.ts';
import { shiftsRules } from '../../src/providers/config.ts';
import { type LocalScheduler, startLocalScheduler } from '../../src/simulation/local-scheduler.ts';
import { DynamoConfigRepository } from '../../src/store/dynamo-config-repository.ts';
import { interfaceExample, interfaceExampleText } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/dynamodb.ts';
import { runShiftctl } from '../support/shiftctl.ts';

const pcbStart = '2027-03-26T04:40:00Z';

let dir: string;
let shiftsFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shiftctl-last-valid-'));
  shiftsFile = join(dir, 'shifts.yml');
  writeFileSync(shiftsFile, interfaceExampleText());
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const opened: { tables: TestTables; local: LocalScheduler }[] = [];

afterEach(async () => {
  for (const { tables, local } of opened.splice(0)) {
    await local.close();
    await tables.drop();
  }
});

/** Version 1 (the example) and version 2 (a 25-minute lead for pcb-line-1) applied. */
const twoVersions = async () => {
  const tables = await createTestTables('last-valid');
  const local = await startLocalScheduler({
    config: interfaceExample(),
    start: new Date(pcbStart),
    documents: tables.client,
    tables: tables.names,
    startLatency: 10 * 60_000,
    stopLatency: 2 * 60_000,
  });
  opened.push({ tables, local });
  const v1 = interfaceExample();
  await applyConfig(local.deps.configs, v1, { source: 'v1.yml', at: new Date('2027-03-01T00:00:00Z') });
  const v2 = {
    ...v1,
    models: v1.models.map((model) => (model.id === 'pcb-line-1' ? { ...model, leadMinutes: 25 } : model)),
  };
  await applyConfig(local.deps.configs, v2, { source: 'v2.yml', at: new Date('2027-03-02T00:00:00Z') });
  return { tables, local };
};

/** Edits one stored row of the version in force by hand, as someone with table access might. */
const editRowInForce = async (tables: TestTables, sk: string, path: string, value: unknown) => {
  const pointer = await tables.client.send(
    new GetCommand({
      TableName: tables.names.configTable,
      Key: { pk: 'config', sk: 'current' },
    }),
  );
  const partition = String(pointer.Item?.partition);
  await tables.client.send(
    new UpdateCommand({
      TableName: tables.names.configTable,
      Key: { pk: partition, sk },
      UpdateExpression: `SET body.#field = :value`,
      ExpressionAttributeNames: { '#field': path },
      ExpressionAttributeValues: { ':value': value },
    }),
  );
};

const freshRepository = (tables: TestTables) =>
  new DynamoConfigRepository(tables.client, tables.names.configTable, shiftsRules);

describe('a stored configuration that fails validation', () => {
  it('is refused, and the version it replaced keeps running, with its own time and source', async () => {
    // Prepare
    const { tables } = await twoVersions();
    await editRowInForce(tables, 'model#000000', 'modelVersion', 'three');

    // Act
    const { applied } = await freshRepository(tables).snapshot();

    // Assess
    expect(applied).toMatchObject({
      version: 1,
      source: 'v1.yml',
      appliedAt: '2027-03-01T00:00:00.000Z',
      refused: { version: 2, message: expect.stringContaining('models[0].modelVersion') },
    });
    expect(applied?.config.models[0]).not.toHaveProperty('leadMinutes');
  });

  it('lets the tick run on the last valid version, with an alert that names the refused one', async () => {
    // Prepare
    const { tables, local } = await twoVersions();
    await editRowInForce(tables, 'model#000000', 'modelVersion', 'three');
    local.clock.set(pcbStart);

    // Act
    const tick = await runShiftctl(['tick', '--at', pcbStart, '--json'], tables.names);

    // Assess
    expect(tick.status).toBe(0);
    expect(JSON.parse(tick.out)).toMatchObject({
      configVersion: 1,
      refusedConfig: { version: 2 },
      outcomes: expect.arrayContaining([expect.objectContaining({ model: 'pcb-line-1', result: 'sent' })]),
    });
    expect(tick.err).toContain('configuration version 2 in the table is refused; version 1 keeps running');
  });

  it('is a finding of shiftctl doctor', async () => {
    // Prepare
    const { tables } = await twoVersions();
    await editRowInForce(tables, 'model#000000', 'modelVersion', 'three');

    // Act
    const doctor = await runShiftctl(['doctor', '--at', '2027-03-24T03:00:00Z', '--json'], tables.names);

    // Assess
    expect(doctor.status).toBe(1);
    expect(JSON.parse(doctor.out).findings).toEqual([
      expect.objectContaining({ kind: 'config-refused', detail: expect.stringContaining('version 2') }),
    ]);
  });

  it('is replaced by the next valid apply, which names the refused version as the one it replaces', async () => {
    // Prepare
    const { tables } = await twoVersions();
    await editRowInForce(tables, 'model#000000', 'modelVersion', 'three');

    // Act: the file equals version 1, the last valid one, and is still written.
    const applied = await runShiftctl(['apply', '-f', shiftsFile, '--json'], tables.names);
    const { applied: after } = await freshRepository(tables).snapshot();

    // Assess
    expect(applied.status).toBe(0);
    expect(after).toMatchObject({ version: 3 });
    expect(after).not.toHaveProperty('refused');
  });

  it('fails the pass when no valid version is left to run', async () => {
    // Prepare: both kept versions edited into something invalid.
    const { tables } = await twoVersions();
    await editRowInForce(tables, 'model#000000', 'modelVersion', 'three');
    const pointer = await tables.client.send(
      new GetCommand({
        TableName: tables.names.configTable,
        Key: { pk: 'config', sk: 'current' },
      }),
    );
    await tables.client.send(
      new UpdateCommand({
        TableName: tables.names.configTable,
        Key: { pk: String(pointer.Item?.previousPartition), sk: 'model#000000' },
        UpdateExpression: 'SET body.#field = :value',
        ExpressionAttributeNames: { '#field': 'modelVersion' },
        ExpressionAttributeValues: { ':value': 'three' },
      }),
    );

    // Act
    const tick = await runShiftctl(['tick', '--at', pcbStart], tables.names);

    // Assess
    expect(tick.status).toBe(1);
    expect(tick.err).toContain('models[0].modelVersion');
  });
});

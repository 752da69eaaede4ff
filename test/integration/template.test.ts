import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const osls = join(root, 'node_modules', '.bin', 'osls');

interface Template {
  Resources: Record<string, { Type: string; DeletionPolicy?: string; Properties: Record<string, unknown> }>;
}

/** Runs `osls package` into `dir`; resolves with its output, rejects with it on a non-zero exit. */
const oslsPackage = (dir: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(osls, ['package', '--stage', 'test', '--package', dir], {
      cwd: root,
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`osls package exited ${code}:\n${output}`)),
    );
  });

/** Every IAM statement anywhere in the template: role policies, managed policies, bucket policies. */
const statementsIn = (node: unknown, found: Record<string, unknown>[] = []): Record<string, unknown>[] => {
  if (Array.isArray(node)) {
    for (const item of node) statementsIn(item, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Statement') {
        for (const statement of Array.isArray(value) ? value : [value]) found.push(statement);
      }
      statementsIn(value, found);
    }
  }
  return found;
};

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

describe('the packaged CloudFormation template', () => {
  let dir: string;
  let template: Template;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shift-package-'));
    await oslsPackage(dir);
    template = JSON.parse(await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['ConfigTable', 'model-shift-scheduler-test-config'],
    ['RunsTable', 'model-shift-scheduler-test-runs'],
  ])('declares %s with pk/sk keys, on-demand billing, PITR, SSE and retention', (logicalId, tableName) => {
    const table = template.Resources[logicalId];
    expect(table?.Type).toBe('AWS::DynamoDB::Table');
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.Properties).toMatchObject({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it('expires idempotency-token records of the runs table by expiresAt', () => {
    expect(template.Resources.RunsTable?.Properties.TimeToLiveSpecification).toEqual({
      AttributeName: 'expiresAt',
      Enabled: true,
    });
    expect(template.Resources.ConfigTable?.Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('has no IAM statement with Resource "*" anywhere', () => {
    const statements = statementsIn(template);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) {
      if ('Resource' in statement) expect(asList(statement.Resource)).not.toContain('*');
      expect(statement).not.toHaveProperty('NotResource');
    }
  });

  it('lets the Lambdas use exactly the two tables, with named DynamoDB actions only', () => {
    const dynamoStatements = statementsIn(template).filter((statement) =>
      asList(statement.Action).some((action) => String(action).startsWith('dynamodb:')),
    );
    expect(dynamoStatements.length).toBeGreaterThan(0);
    for (const statement of dynamoStatements) {
      expect(asList(statement.Action).every((action) => /^dynamodb:[A-Za-z]+$/.test(String(action)))).toBe(
        true,
      );
      expect(asList(statement.Resource)).toEqual([
        { 'Fn::GetAtt': ['ConfigTable', 'Arn'] },
        { 'Fn::GetAtt': ['RunsTable', 'Arn'] },
      ]);
    }
  });

  it('gives every function the table names and the nodejs22.x arm64 runtime', () => {
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Environment: {
          Variables: { CONFIG_TABLE_NAME: { Ref: 'ConfigTable' }, RUNS_TABLE_NAME: { Ref: 'RunsTable' } },
        },
      });
    }
  });
});

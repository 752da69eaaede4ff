/**
 * The operator policy (deploy/operator-policy.yml) allows every DynamoDB request that `shiftctl
 * apply`, `override` and the read commands send: each command runs in-process against DynamoDB Local
 * (and the Lookout for Vision emulator for status and doctor) while its requests are recorded.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { type LocalScheduler, startLocalScheduler } from '../../src/simulation/local-scheduler.ts';
import { interfaceExample, interfaceExampleText } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/dynamodb.ts';
import { runShiftctl } from '../support/shiftctl.ts';

/** The IAM action of each lib-dynamodb command the stores send. */
const ACTION_OF: Record<string, string> = {
  GetCommand: 'dynamodb:GetItem',
  PutCommand: 'dynamodb:PutItem',
  DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
  BatchWriteCommand: 'dynamodb:BatchWriteItem',
};

interface Statement {
  Action: string | string[];
  Resource: { 'Fn::GetAtt': [string, string] }[];
}

/** `table logical id → actions` the policy allows. */
const policyActions = (): Map<string, Set<string>> => {
  const text = readFileSync(new URL('../../deploy/operator-policy.yml', import.meta.url), 'utf8');
  const statements = (
    parse(text) as {
      Resources: { OperatorPolicy: { Properties: { PolicyDocument: { Statement: Statement[] } } } };
    }
  ).Resources.OperatorPolicy.Properties.PolicyDocument.Statement;
  const allowed = new Map<string, Set<string>>();
  for (const statement of statements) {
    for (const resource of statement.Resource) {
      const table = resource['Fn::GetAtt'][0];
      const actions = allowed.get(table) ?? new Set();
      for (const action of [statement.Action].flat()) actions.add(action);
      allowed.set(table, actions);
    }
  }
  return allowed;
};

let dir: string;
let shiftsFile: string;
let changedFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shiftctl-operator-'));
  shiftsFile = join(dir, 'shifts.yml');
  writeFileSync(shiftsFile, interfaceExampleText());
  changedFile = join(dir, 'changed.yml');
  writeFileSync(changedFile, interfaceExampleText().replace('leadMinutes: 30', 'leadMinutes: 25'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const opened: { tables: TestTables; local: LocalScheduler }[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const { tables, local } of opened.splice(0)) {
    await local.close();
    await tables.drop();
  }
});

describe('the operator policy', () => {
  it('allows every table request of apply, override and the read commands, and tick needs more', async () => {
    // Prepare
    const at = '2027-03-26T04:40:00Z';
    const tables = await createTestTables('operator-policy');
    const local = await startLocalScheduler({
      config: interfaceExample(),
      start: new Date(at),
      documents: tables.client,
      tables: tables.names,
      startLatency: 10 * 60_000,
      stopLatency: 2 * 60_000,
    });
    opened.push({ tables, local });
    const logicalId = new Map([
      [tables.names.configTable, 'ConfigTable'],
      [tables.names.runsTable, 'RunsTable'],
    ]);
    const sent: { command: string; table: string; action: string }[] = [];
    let command = '';
    const send = DynamoDBDocumentClient.prototype.send;
    vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (
      this: DynamoDBDocumentClient,
      ...args: unknown[]
    ) {
      const request = args[0] as { constructor: { name: string }; input: Record<string, unknown> };
      const names = request.input.TableName
        ? [String(request.input.TableName)]
        : Object.keys((request.input.RequestItems as object | undefined) ?? {});
      for (const name of names) {
        sent.push({
          command,
          table: logicalId.get(name) ?? name,
          action: ACTION_OF[request.constructor.name] ?? request.constructor.name,
        });
      }
      return (send as (...a: unknown[]) => Promise<unknown>).apply(this, args);
    });
    const run = async (argv: string[]) => {
      command = argv.slice(0, 2).join(' ');
      const result = await runShiftctl(argv, tables.names);
      expect(result.status, `${argv.join(' ')}: ${result.err}`).toBeLessThanOrEqual(1);
      return result;
    };

    // Act: three versions, so the third apply also removes the first
    for (const file of [shiftsFile, changedFile, shiftsFile]) await run(['apply', '-f', file]);
    await run(['apply', '-f', changedFile, '--dry-run']);
    await run(['override', 'set', 'pcb-line-1', '--state', 'on', '--until', '2099-01-01T00:00:00Z']);
    await run(['override', 'list']);
    await run(['override', 'clear', 'pcb-line-1']);
    // A pass by the functions, so the read commands find runs
    await run(['tick', '--at', at]);
    await run(['plan', '--from', '2027-03-26T00:00:00Z', '--to', '2027-03-27T00:00:00Z']);
    await run(['status', '--at', at]);
    await run(['runs']);
    await run(['report', '--month', '2027-03']);
    await run(['doctor', '--at', at]);

    // Assess
    const allowed = policyActions();
    const operatorRequests = sent.filter((request) => request.command !== 'tick --at');
    expect(new Set(operatorRequests.map((request) => request.command)).size).toBe(9);
    for (const request of operatorRequests) {
      expect(allowed.get(request.table)?.has(request.action), JSON.stringify(request)).toBe(true);
    }
    // Every action the policy allows is one these commands send: none is there for nothing.
    for (const [table, actions] of allowed) {
      for (const action of actions) {
        expect(
          operatorRequests.some((request) => request.table === table && request.action === action),
          `${table} ${action}`,
        ).toBe(true);
      }
    }
    // The pass writes runs, which the policy does not allow: operators cannot tick.
    expect(
      sent.some(
        (request) => request.command === 'tick --at' && !allowed.get(request.table)?.has(request.action),
      ),
    ).toBe(true);
  });
});

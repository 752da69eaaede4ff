/**
 * A pass that cannot run fails its invocation, so Lambda retries it and the on-failure queue keeps
 * it, and says why in one structured line with the error's code and `alert: true`, which the alert
 * metric filters count: a Lambda never meets "no configuration" or a missing table silently.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestTables, type TestTables } from '../support/dynamodb.ts';
import { lambdaContext, scheduledEvent, shiftEdgeInput } from '../support/lambda.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

const opened: TestTables[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  for (const tables of opened.splice(0)) await tables.drop();
});

/** The handler module imported fresh, its module-scope deps reading these table names. */
const handlerOf = async (
  module: 'reconcile' | 'shift-edge',
  tables: { configTable: string; runsTable: string },
) => {
  vi.stubEnv('CONFIG_TABLE_NAME', tables.configTable);
  vi.stubEnv('RUNS_TABLE_NAME', tables.runsTable);
  vi.resetModules();
  const { handler } = (await import(`../../functions/${module}.ts`)) as { handler: Handler };
  return handler;
};

/** The Powertools logger's JSON lines written while the test runs. */
const captureLogs = () => {
  const lines: Record<string, unknown>[] = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not one of the logger's lines.
      }
    }
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return lines;
};

const eventOf = (module: 'reconcile' | 'shift-edge') =>
  module === 'reconcile'
    ? scheduledEvent(new Date().toISOString())
    : shiftEdgeInput('weekday-two-shift', 'start', ['early'], new Date());

describe.each(['reconcile', 'shift-edge'] as const)('the %s function, when its pass cannot run', (module) => {
  it('fails the invocation and logs an alert with code NotConfigured when nothing has been applied', async () => {
    // Prepare
    const tables = await createTestTables(`functions-errors-${module}`);
    opened.push(tables);
    const handler = await handlerOf(module, tables.names);
    const logs = captureLogs();

    // Act
    const invocation = handler(eventOf(module), lambdaContext(`model-shift-scheduler-dev-${module}`));

    // Assess
    await expect(invocation).rejects.toMatchObject({ name: 'NotConfiguredError', code: 'NotConfigured' });
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'pass could not run',
        code: 'NotConfigured',
        alert: true,
      }),
    );
  });

  it('fails the invocation and logs an alert with code TableMissing when its table does not exist', async () => {
    // Prepare
    const handler = await handlerOf(module, {
      configTable: `missing-${randomUUID()}-config`,
      runsTable: `missing-${randomUUID()}-runs`,
    });
    const logs = captureLogs();

    // Act
    const invocation = handler(eventOf(module), lambdaContext(`model-shift-scheduler-dev-${module}`));

    // Assess
    await expect(invocation).rejects.toThrow();
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'pass could not run',
        code: 'TableMissing',
        alert: true,
      }),
    );
  });
});

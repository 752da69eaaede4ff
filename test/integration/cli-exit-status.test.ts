/**
 * Every shiftctl command keeps to the exit-status table in the README: 1 for a failure at run time
 * (no configuration applied, a table missing, DynamoDB unreachable), 2 for a usage or validation
 * error (an invalid file), each with the same advice whichever command meets it.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TableNames } from '../../src/platform/env.ts';
import { interfaceExampleText } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/dynamodb.ts';
import { runShiftctl } from '../support/shiftctl.ts';

const NOT_CONFIGURED = 'no configuration has been applied yet: run `shiftctl apply -f shifts.yml`';

/** Every command that reads the configuration in force, with the arguments it needs. */
const readingCommands: readonly (readonly string[])[] = [
  ['tick', '--at', '2027-03-26T04:40:00Z'],
  ['status', '--at', '2027-03-26T04:40:00Z'],
  ['runs'],
  ['report', '--month', '2027-03'],
  ['plan', '--from', '2027-03-26T00:00:00Z', '--to', '2027-03-27T00:00:00Z'],
  ['override', 'set', 'pcb-line-1', '--state', 'on', '--until', '2099-01-01T00:00:00Z'],
  ['override', 'clear', 'pcb-line-1'],
  ['override', 'list'],
];

let dir: string;
let shiftsFile: string;
let invalidFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shiftctl-exit-'));
  shiftsFile = join(dir, 'shifts.yml');
  writeFileSync(shiftsFile, interfaceExampleText());
  invalidFile = join(dir, 'invalid.yml');
  writeFileSync(invalidFile, interfaceExampleText().replace('start: "06:00"', 'start: "6am"'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const opened: TestTables[] = [];

afterEach(async () => {
  for (const tables of opened.splice(0)) await tables.drop();
});

const named = (commands: readonly (readonly string[])[]) =>
  commands.map((argv) => [argv.slice(0, argv[0] === 'override' ? 2 : 1).join(' '), argv] as const);

/** A port on 127.0.0.1 that nothing listens on: connections to it are refused. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
};

describe('no configuration applied', () => {
  it.each(named(readingCommands))('%s exits 1 with the one advice to apply', async (_, argv) => {
    // Prepare
    const tables = await createTestTables('exit-unconfigured');
    opened.push(tables);

    // Act
    const result = await runShiftctl(argv, tables.names);

    // Assess
    expect(result.err).toBe(`shiftctl: ${NOT_CONFIGURED}\n`);
    expect(result.status).toBe(1);
    expect(result.out).toBe('');
  });
});

describe('a table that does not exist', () => {
  const missing: TableNames = {
    configTable: `missing-${randomUUID()}-config`,
    runsTable: `missing-${randomUUID()}-runs`,
  };

  it.each(named([...readingCommands, ['apply', '-f', 'SHIFTS']]))(
    '%s exits 1 and says to create the tables',
    async (_, argv) => {
      // Act
      const result = await runShiftctl(
        argv.map((arg) => (arg === 'SHIFTS' ? shiftsFile : arg)),
        missing,
      );

      // Assess
      expect(result.err).toMatch(
        /^shiftctl: table missing-[\w-]+ does not exist at http:\/\/127\.0\.0\.1:\d+/,
      );
      expect(result.err).toContain('run `shiftctl tables create`');
      expect(result.status).toBe(1);
    },
  );
});

describe('DynamoDB unreachable', () => {
  let endpoint: string | undefined;

  beforeAll(async () => {
    endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = `http://127.0.0.1:${await closedPort()}`;
  });

  afterAll(() => {
    process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  });

  it.each(named([...readingCommands, ['apply', '-f', 'SHIFTS'], ['tables', 'create']]))(
    '%s exits 1 and says which endpoint it cannot reach',
    async (_, argv) => {
      // Act
      const result = await runShiftctl(argv.map((arg) => (arg === 'SHIFTS' ? shiftsFile : arg)));

      // Assess
      expect(result.err).toContain(`${process.env.AWS_ENDPOINT_URL_DYNAMODB}`);
      expect(result.err).toMatch(/ECONNREFUSED/);
      expect(result.status).toBe(1);
    },
  );
});

describe('an invalid file', () => {
  const fileCommands: readonly (readonly string[])[] = [
    ['apply', '-f', 'FILE'],
    ['plan', '-f', 'FILE', '--from', '2027-03-26T00:00:00Z', '--to', '2027-03-27T00:00:00Z'],
    ['emulator', '--port', '0', '-f', 'FILE'],
  ];

  it.each(named(fileCommands))('%s exits 2 naming the file and the bad field', async (_, argv) => {
    // Act
    const result = await runShiftctl(argv.map((arg) => (arg === 'FILE' ? invalidFile : arg)));

    // Assess
    expect(result.err).toContain(
      `${invalidFile}: schedules.weekday-two-shift.shifts[0].start: "6am" is not HH:MM`,
    );
    expect(result.status).toBe(2);
    expect(result.out).toBe('');
  });

  it.each(named(fileCommands))('%s exits 2 for a file that is not there', async (_, argv) => {
    // Act
    const result = await runShiftctl(argv.map((arg) => (arg === 'FILE' ? join(dir, 'absent.yml') : arg)));

    // Assess
    expect(result.err).toContain(join(dir, 'absent.yml'));
    expect(result.status).toBe(2);
  });
});

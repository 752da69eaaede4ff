/**
 * Hostile input through the two commands that read a file: random YAML text and random edits of a
 * valid configuration through `shiftctl plan -f` and `shiftctl apply --dry-run`. Whatever the file
 * holds, the command ends with exit status 0 or 2 (never a crash, which is 1), every error line
 * names the file and the path of a field (or says the YAML does not parse), and nothing reaches the
 * config table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { shiftsRules } from '../../src/providers/config.ts';
import { DynamoConfigRepository } from '../../src/store/dynamo-config-repository.ts';
import { interfaceExampleText } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/dynamodb.ts';
import { runShiftctl } from '../support/shiftctl.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

let dir: string;
let tables: TestTables;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shiftctl-fuzz-'));
  tables = await createTestTables('config-fuzz');
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await tables.drop();
});

const example = parse(interfaceExampleText()) as Json;

/** Every path into `value`, the root included. */
const pathsOf = (value: Json, at: Path = []): Path[] => {
  const inner = Array.isArray(value)
    ? value.flatMap((item, index) => pathsOf(item, [...at, index]))
    : value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...at, key]))
      : [];
  return [at, ...inner];
};

/** Values a hand-written or generated file might hold where another is expected. */
const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    'auto',
    '',
    ' ',
    '25:00',
    '06:00',
    '24:00',
    '6am',
    'mon-xyz',
    'sun-mon',
    'fri-mon',
    '1..2',
    '2027-02-30',
    '2026-12-24..2026-12-20',
    'Europe/Nowhere',
    'UTC',
    'latest',
    '0',
    '-1',
    '__proto__',
    'constructor',
    'toString',
    'x'.repeat(300),
    0,
    -1,
    1,
    0.5,
    1e308,
    -0,
    1441,
    Number.MAX_SAFE_INTEGER,
    true,
    false,
    null,
    [],
    {},
    [null],
    { '': null },
  ),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true }),
);

/** A key an edit may add: one the schema knows (in the wrong place), or any other. */
const oddKey = fc.oneof(
  fc.constantFrom(
    'leadMinutes',
    'timezone',
    'calendar',
    'closed',
    'shifts',
    'days',
    'start',
    'end',
    'models',
    'minInferenceUnits',
    'maxInferenceUnits',
    'provider',
    'monthlyBudget',
    'unitChange',
    'id',
    '__proto__',
    'constructor',
    'prototype',
    'hasOwnProperty',
    '',
  ),
  fc.string({ maxLength: 12 }),
);

type Edit =
  | { kind: 'replace'; path: number; value: Json }
  | { kind: 'delete'; path: number }
  | { kind: 'add'; path: number; key: string; value: Json }
  | { kind: 'duplicate'; path: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), path: fc.nat(), value: oddValue }),
  fc.record({ kind: fc.constant('delete' as const), path: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), path: fc.nat(), key: oddKey, value: oddValue }),
  fc.record({ kind: fc.constant('duplicate' as const), path: fc.nat() }),
);

const clone = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

/** The container holding `path`'s last step, and that step. */
const parentOf = (root: Json, path: Path): [Json, string | number] | undefined => {
  let node = root;
  for (const step of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, Json>)[step] as Json;
  }
  const last = path.at(-1);
  return last === undefined || node === null || typeof node !== 'object' ? undefined : [node, last];
};

/** Applies `edits` to a copy of `root`; an edit whose path no longer exists is skipped. */
const edited = (root: Json, edits: readonly Edit[]): Json => {
  let result = clone(root);
  for (const change of edits) {
    const paths = pathsOf(result);
    const path = paths[change.path % paths.length] ?? [];
    if (path.length === 0) {
      if (change.kind === 'replace') result = change.value;
      continue;
    }
    const found = parentOf(result, path);
    if (!found) continue;
    const [parent, step] = found;
    const container = parent as Record<string | number, Json>;
    const target = container[step] as Json;
    if (change.kind === 'replace') container[step] = change.value;
    else if (change.kind === 'delete') {
      if (Array.isArray(parent) && typeof step === 'number') parent.splice(step, 1);
      else delete container[step];
    } else if (change.kind === 'add') {
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) {
        Object.defineProperty(target, change.key, {
          value: change.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    } else if (Array.isArray(parent)) parent.push(clone(target));
  }
  return result;
};

/** Random text that is more often YAML-shaped than not. */
const yamlText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(
      fc.constantFrom(
        'version: 1\n',
        'models:\n',
        '  - id: a\n',
        '    provider: lookoutvision\n',
        'schedules:\n',
        '  s: &a\n',
        '    shifts: *a\n',
        '<<: *a\n',
        '- [',
        '{',
        '}',
        ']',
        ': ',
        '"',
        "'",
        '\t',
        '---\n',
        '!!binary x\n',
        '!!js/function f\n',
        '? x\n',
        '|\n',
        '>-\n',
        '&x ',
        '*x ',
        '#',
        '\n',
        ' ',
        'defaults: {timezone: Europe/Berlin, leadMinutes: auto}\n',
      ),
      { maxLength: 30 },
    )
    .map((parts) => parts.join('')),
);

const fileFor = (text: string): string => {
  const file = join(dir, 'fuzzed.yml');
  writeFileSync(file, text);
  return file;
};

/** A key as a path shows it: plain, or quoted when it holds anything else. */
const key = String.raw`(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*")`;
const fieldPathOrFile = new RegExp(
  String.raw`^(?:not valid YAML|the file |${key}(?:\.[A-Za-z0-9_-]+|\[(?:\d+|"(?:[^"\\]|\\.)*")\])*: )`,
);

/** Exit 0, or exit 2 with each error line naming the file and a field path (or the YAML error). */
const expectCleanOutcome = (file: string, result: { status: number; out: string; err: string }): void => {
  expect([0, 2], `exit ${result.status}: ${result.err}`).toContain(result.status);
  if (result.status === 0) return;
  const lines = result.err
    .split('\n')
    .map((line) => line.replace(/^shiftctl: /, ''))
    .filter((line) => line.trim() !== '' && !line.startsWith('(run with --help'));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(line.startsWith(`${file}: `), line).toBe(true);
    const rest = line.slice(file.length + 2);
    // "not valid YAML", the file as a whole, or `<path>: <message>` for a field.
    expect(rest, line).toMatch(fieldPathOrFile);
  }
};

const plan = (file: string) =>
  runShiftctl([
    'plan',
    '-f',
    file,
    '--from',
    '2027-03-25T00:00:00Z',
    '--to',
    '2027-03-27T00:00:00Z',
    '--json',
  ]);

const dryRun = (file: string) => runShiftctl(['apply', '-f', file, '--dry-run'], tables.names);

describe('hostile configuration files', () => {
  it('plan -f and apply --dry-run end cleanly on random edits of a valid file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        const file = fileFor(stringify(edited(example, edits)));
        expectCleanOutcome(file, await plan(file));
        expectCleanOutcome(file, await dryRun(file));
      }),
      { numRuns: 300 },
    );
  });

  it('plan -f and apply --dry-run end cleanly on random text', async () => {
    await fc.assert(
      fc.asyncProperty(yamlText, async (text) => {
        const file = fileFor(text);
        expectCleanOutcome(file, await plan(file));
        expectCleanOutcome(file, await dryRun(file));
      }),
      { numRuns: 300 },
    );
  });

  it('writes nothing to the config table, whatever it was given', async () => {
    // Prepare: the properties above ran apply --dry-run hundreds of times on these tables.
    const configs = new DynamoConfigRepository(tables.client, tables.names.configTable, shiftsRules);

    // Act
    const { applied, overrides } = await configs.snapshot();

    // Assess
    expect(applied).toBeUndefined();
    expect(overrides).toEqual([]);
  });
});

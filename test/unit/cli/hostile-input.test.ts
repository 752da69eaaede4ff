import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interfaceExampleText, yamlAliasBomb } from '../../support/builders.ts';
import { shiftctl } from '../../support/shiftctl.ts';

const exampleText = interfaceExampleText();

/** An endpoint nothing listens on: a command that reached it would fail at run time (exit 1), not 2. */
const nowhere = {
  AWS_REGION: 'eu-central-1',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
};

const run = (argv: readonly string[]) => shiftctl(argv, nowhere);

const fileWith = (name: string, text: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'shiftctl-hostile-')), name);
  writeFileSync(file, text);
  return file;
};

const range = ['--from', '2027-03-26T00:00:00Z', '--to', '2027-03-27T00:00:00Z'];

describe('hostile or unlucky input is a usage error (exit 2) naming the file or option', () => {
  it('refuses a schedule named __proto__ in plan and apply, naming the file and the field', async () => {
    // Prepare
    const file = fileWith('shifts.yml', exampleText.replaceAll('weekend-night', '__proto__'));

    // Act
    const plan = await run(['plan', '-f', file, ...range, '--json']);
    const apply = await run(['apply', '-f', file]);

    // Assess
    for (const result of [plan, apply]) {
      expect(result.status).toBe(2);
      expect(result.err).toContain(`${file}: schedules.__proto__: "__proto__" is reserved`);
      expect(result.out).toBe('');
    }
  });

  it('refuses an alias bomb in plan and apply with exit 2, naming the file', async () => {
    // Prepare
    const file = fileWith('bomb.yml', yamlAliasBomb);

    // Act
    const plan = await run(['plan', '-f', file, ...range]);
    const apply = await run(['apply', '-f', file, '--dry-run']);

    // Assess
    for (const result of [plan, apply]) {
      expect(result.status).toBe(2);
      expect(result.err).toMatch(
        new RegExp(`^shiftctl: ${file.replaceAll('.', '\\.')}: its aliases expand to more than`),
      );
    }
  });

  it('refuses a file path through a file (ENOTDIR) and a file name too long for the file system', async () => {
    // Prepare
    const file = fileWith('shifts.yml', exampleText);
    const long = join(tmpdir(), `${'x'.repeat(300)}.yml`);

    // Act
    const through = await run(['plan', '-f', `${file}/x`, ...range]);
    const tooLong = await run(['apply', '-f', long]);

    // Assess
    expect(through.status).toBe(2);
    expect(through.err).toContain(`cannot read ${file}/x (ENOTDIR)`);
    expect(tooLong.status).toBe(2);
    expect(tooLong.err).toContain('(ENAMETOOLONG)');
  });

  it.each([
    [
      'plan',
      '--to',
      ['plan', '-f', 'FILE', '--from', '2027-03-26T00:00:00Z', '--to', '+275760-09-13T00:00:00Z'],
    ],
    [
      'plan',
      '--from',
      ['plan', '-f', 'FILE', '--from', '-271821-04-20T00:00:00Z', '--to', '2027-03-27T00:00:00Z'],
    ],
    ['tick', '--at', ['tick', '--at', '+275760-09-13T00:00:00Z']],
    ['status', '--at', ['status', '--at', '-100000-01-01T00:00:00Z']],
  ])('refuses an instant the scheduler cannot plan around in %s %s', async (_command, flag, argv) => {
    // Prepare
    const file = fileWith('shifts.yml', exampleText);

    // Act
    const result = await run(argv.map((arg) => (arg === 'FILE' ? file : arg)));

    // Assess
    expect(result.status).toBe(2);
    expect(result.err).toMatch(new RegExp(`^shiftctl: ${flag} "[^"]+" is outside`));
  });
});

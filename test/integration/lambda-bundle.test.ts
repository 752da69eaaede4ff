import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deployedEnvironment,
  type PackagedFunction,
  packagedFunctions,
  packageFunctions,
} from '../support/lambda-package.ts';

/** Lambda's limit is far higher; this is the project's budget for a function zip. */
const ZIP_BUDGET_BYTES = 1_000_000;

describe('the packaged Lambda bundles', () => {
  let dir: string;
  let functions: PackagedFunction[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shift-bundle-'));
    await packageFunctions(dir);
    functions = await packagedFunctions(dir);
  }, 120_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('packages each function as one ESM file and nothing else, within the zip budget', () => {
    expect(functions.map((fn) => fn.name)).toEqual(expect.arrayContaining(['reconcile', 'shiftEdge']));
    for (const fn of functions) {
      expect(fn.entries.map((entry) => entry.name)).toEqual([
        expect.stringMatching(/^functions\/[\w-]+\.mjs$/),
      ]);
      expect(fn.zipBytes, fn.name).toBeLessThanOrEqual(ZIP_BUDGET_BYTES);
    }
  });

  it('bundles only the zod schema code the functions use, not its error-message locales', () => {
    for (const fn of functions) {
      const bundle = fn.entries[0]?.data.toString('utf8') ?? '';
      expect(bundle, fn.name).toContain('Invalid input');
      // From zod's German locale. A named `import { z } from 'zod'` keeps every locale (esbuild cannot
      // shake a namespace that is also a value): import it as `import * as z from 'zod'`.
      expect(bundle.includes('Base64-codierter String'), `${fn.name} bundles zod's locales`).toBe(false);
    }
  });

  it('keeps a source map per function beside the zips, pointing at the TypeScript sources', async () => {
    for (const fn of functions) {
      const [entry] = fn.entries;
      const mapFile = join(dir, 'sourcemaps', `${entry?.name}.map`);
      expect(existsSync(mapFile), mapFile).toBe(true);
      const map = JSON.parse(await readFile(mapFile, 'utf8')) as { sources: string[]; mappings: string };
      const entrySource = entry?.name.replace(/\.mjs$/, '.ts') ?? '';
      expect(
        map.sources.some((source) => source.endsWith(entrySource)),
        entrySource,
      ).toBe(true);
      expect(map.sources.some((source) => source.includes('src/'))).toBe(true);
      expect(map.mappings.length).toBeGreaterThan(0);
    }
  });

  it('loads in a fresh node with nothing installed beside it and exports the handler', async () => {
    const unpacked = await mkdtemp(join(tmpdir(), 'shift-unpacked-'));
    try {
      for (const fn of functions) {
        const [entry] = fn.entries;
        if (!entry) throw new Error(`${fn.name}: empty zip`);
        const file = join(unpacked, fn.name, entry.name);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, entry.data);
        const result = spawnSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(typeof m.handler);`,
          ],
          {
            cwd: unpacked,
            encoding: 'utf8',
            env: {
              PATH: process.env.PATH,
              AWS_REGION: 'eu-central-1',
              ...(await deployedEnvironment(dir, fn.name)),
              AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            },
          },
        );
        expect(result.stderr, fn.name).toBe('');
        expect(result.stdout, fn.name).toBe('function\n');
      }
    } finally {
      await rm(unpacked, { recursive: true, force: true });
    }
  });
});

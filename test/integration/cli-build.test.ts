import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalDynamoDbClient, localDynamoDbEndpoint } from '../support/dynamodb.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** What a checkout holds that shiftctl and its build read; node_modules is linked, not copied. */
const CHECKOUT = ['bin', 'deploy', 'src', 'package.json', 'package-lock.json', 'tsconfig.json', 'shifts.yml'];

/** Commands whose output must not depend on whether the bundle or the sources ran. */
const HELP_COMMANDS = [
  ['--version'],
  ['--help'],
  ['tick', '--help'],
  ['override', 'set', '--help'],
  ['nonsense'],
];

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const run = (file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Run => {
  const result = spawnSync(process.execPath, [file, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
};

describe('the shiftctl bundle', () => {
  let checkout: string;
  let shiftctl: string;
  const bundle = () => join(checkout, 'dist', 'cli', 'shiftctl.cjs');
  const codeCache = () => join(checkout, 'dist', 'cli', 'shiftctl.cache');
  const manifest = () => join(checkout, 'dist', 'cli', 'build.json');

  beforeAll(async () => {
    checkout = await mkdtemp(join(tmpdir(), 'shiftctl-checkout-'));
    for (const name of CHECKOUT) await cp(join(root, name), join(checkout, name), { recursive: true });
    await symlink(join(root, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    shiftctl = join(checkout, 'bin', 'shiftctl.js');
  });

  afterAll(async () => {
    if (checkout) await rm(checkout, { recursive: true, force: true });
  });

  it('is built by the prepare script that npm ci runs', async () => {
    const { scripts } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts.prepare).toBe('node deploy/build-cli.mjs');
  });

  it('gives the same output as the sources, which run while there is no build', () => {
    // Prepare
    expect(existsSync(join(checkout, 'dist'))).toBe(false);
    const fromSources = HELP_COMMANDS.map((args) => run(shiftctl, args));

    // Act
    const build = run(join(checkout, 'deploy', 'build-cli.mjs'), []);
    const fromBundle = HELP_COMMANDS.map((args) => run(shiftctl, args));

    // Assess
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    expect(existsSync(bundle())).toBe(true);
    expect(fromSources[0]?.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(fromSources.at(-1)?.status).toBe(2);
    expect(fromBundle).toEqual(fromSources);
  }, 120_000);

  it('finds the files beside its sources: tables create reads deploy/tables.yml', async () => {
    // Prepare
    if (!existsSync(manifest())) run(join(checkout, 'deploy', 'build-cli.mjs'), []);
    const base = `bundle-${randomUUID().slice(0, 8)}`;
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: localDynamoDbEndpoint(),
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      CONFIG_TABLE_NAME: `${base}-config`,
      RUNS_TABLE_NAME: `${base}-runs`,
    };
    const client = createLocalDynamoDbClient();
    try {
      // Act
      const created = run(shiftctl, ['tables', 'create'], env);

      // Assess
      expect(created.stderr).toBe('');
      expect(created.status).toBe(0);
      expect(created.stdout).toContain(`${base}-runs`);
    } finally {
      for (const TableName of [env.CONFIG_TABLE_NAME, env.RUNS_TABLE_NAME]) {
        await client.send(new DeleteTableCommand({ TableName })).catch(() => {});
      }
      client.destroy();
    }
  }, 120_000);

  it('runs the bundle while it is fresh and the sources once a file it was built from changed', async () => {
    // Prepare: a bundle that says it ran, built "now" from src/cli/main.ts.
    await mkdir(join(checkout, 'dist', 'cli'), { recursive: true });
    await writeFile(bundle(), "exports.main = async () => { console.log('bundle ran'); return 0; };\n");
    const builtAt = Date.now();
    await utimes(
      join(checkout, 'src', 'cli', 'main.ts'),
      new Date(builtAt - 60_000),
      new Date(builtAt - 60_000),
    );
    await writeFile(manifest(), JSON.stringify({ builtAt, inputs: ['src/cli/main.ts'] }));

    // Act
    const fresh = run(shiftctl, ['--version']);
    await utimes(join(checkout, 'src', 'cli', 'main.ts'), new Date(), new Date(builtAt + 1_000));
    const edited = run(shiftctl, ['--version']);
    await writeFile(manifest(), JSON.stringify({ builtAt, inputs: ['src/cli/gone.ts'] }));
    const inputGone = run(shiftctl, ['--version']);
    await rm(manifest());
    const noManifest = run(shiftctl, ['--version']);

    // Assess
    expect(fresh.stdout).toBe('bundle ran\n');
    for (const fromSources of [edited, inputGone, noManifest]) {
      expect(fromSources.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
      expect(fromSources.status).toBe(0);
    }
  }, 120_000);

  it('keeps a code cache for the bundle and replaces one that V8 rejects', async () => {
    // Prepare
    run(join(checkout, 'deploy', 'build-cli.mjs'), []);
    expect(existsSync(codeCache())).toBe(true);
    await writeFile(codeCache(), 'not a V8 code cache');

    // Act
    const withBadCache = run(shiftctl, ['--version']);
    const cache = await readFile(codeCache());

    // Assess
    expect(withBadCache.stderr).toBe('');
    expect(withBadCache.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(cache.toString('utf8')).not.toBe('not a V8 code cache');
    expect(cache.length).toBeGreaterThan(100_000);
  }, 120_000);

  it('builds nothing and succeeds when esbuild is not installed', async () => {
    // Prepare: the build script alone, with no node_modules anywhere above it.
    const bare = await mkdtemp(join(tmpdir(), 'shiftctl-no-dev-'));
    try {
      await mkdir(join(bare, 'deploy'));
      await cp(join(root, 'deploy', 'build-cli.mjs'), join(bare, 'deploy', 'build-cli.mjs'));

      // Act
      const build = run(join(bare, 'deploy', 'build-cli.mjs'), []);

      // Assess
      expect(build.status).toBe(0);
      expect(build.stdout).toContain('esbuild is not installed');
      expect(existsSync(join(bare, 'dist'))).toBe(false);
    } finally {
      await rm(bare, { recursive: true, force: true });
    }
  });
});

/**
 * What a start costs, each figure against a baseline measured in the same run:
 * - each Lambda bundle as `osls package` ships it: zip and .mjs bytes, and its cold init, a fresh
 *   `node` importing the bundle (the handler module's top level builds the SDK clients), against a
 *   bare handler module; plus the same bundle with its source map and `--enable-source-maps`, the
 *   option the package leaves out;
 * - shiftctl's own start, `--help` and one `tick` against DynamoDB Local and `shiftctl emulator`
 *   (after `tables create` and `apply -f shifts.yml`), against a bare `node -e 0`; the bundle that
 *   `npm ci` builds, and the TypeScript sources through tsx as a checkout without a build runs them.
 * Every figure is the median of 5 runs, taken in turns with its baseline, so load on the machine
 * weighs on both alike. Budgets: a zip ≤ 1 MB, a cold init ≤ 300 ms, `shiftctl --help` ≤ 300 ms.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { renderTable, right } from '../src/cli/render.ts';
import { startDynamoDbLocal } from '../src/platform/dynamodb-local.ts';
import { deployedEnvironment, packagedFunctions, packageFunctions } from '../test/support/lambda-package.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const shiftctl = join(root, 'bin', 'shiftctl.js');
const runs = 5;
const zipBudgetBytes = 1_000_000;
const initBudgetMs = 300;
const helpBudgetMs = 300;
/** A Friday in the early shift of shifts.yml (06:30 in Berlin). */
const tickAt = '2027-03-26T05:30:00Z';

/** One way to start node, timed as a whole process. */
interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Wall time of one `node ARGS` from spawn to exit, in ms; throws with its output unless it exits 0. */
const timeOnce = ({ name, args, env }: Case): number => {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(`${name} exited ${result.status}:\n${result.stderr}${result.stdout}`);
  return ms;
};

/** The median wall time of each case, the cases taken in turns `runs` times. */
const mediansInTurns = (cases: readonly Case[]): number[] => {
  const times = cases.map((): number[] => []);
  for (let round = 0; round < runs; round += 1) {
    for (const [index, one] of cases.entries()) times[index]?.push(timeOnce(one));
  }
  return times.map(median);
};

const kB = (bytes: number) => `${(bytes / 1000).toFixed(0)} kB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;
const ratio = (value: number, base: number) => `${(value / base).toFixed(1)}×`;
const within = (value: number, budget: number) => (value <= budget ? 'yes' : 'NO');

/** `node -e` importing `file`, with the environment the template gives the function. */
const importCase = (
  name: string,
  file: string,
  env: Record<string, string>,
  options: readonly string[] = [],
): Case => ({
  name,
  args: [
    ...options,
    '--input-type=module',
    '-e',
    `await import(${JSON.stringify(pathToFileURL(file).href)});`,
  ],
  env: { AWS_REGION: 'eu-central-1', ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
});

const lambdaBundles = async (): Promise<void> => {
  const work = await mkdtemp(join(tmpdir(), 'shift-startup-'));
  try {
    const packageDir = join(work, 'package');
    await packageFunctions(packageDir);
    const bare = join(work, 'bare', 'handler.mjs');
    await mkdir(dirname(bare), { recursive: true });
    await writeFile(bare, 'export const handler = async () => ({ ok: true });\n');

    const rows: string[][] = [];
    const cases: Case[] = [importCase('bare handler', bare, {})];
    const sizes: { name: string; zip: number; mjs: number }[] = [];
    for (const fn of await packagedFunctions(packageDir)) {
      const [entry] = fn.entries;
      if (!entry || fn.entries.length !== 1) throw new Error(`${fn.name}: expected one file in the zip`);
      const file = join(work, fn.name, entry.name);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, entry.data);
      sizes.push({ name: fn.name, zip: fn.zipBytes, mjs: entry.data.length });
      const env = await deployedEnvironment(packageDir, fn.name);
      cases.push(importCase(fn.name, file, env));
      // The road not taken: the map shipped in the zip and read at start.
      const mapped = join(work, `${fn.name}-mapped`, entry.name);
      await mkdir(dirname(mapped), { recursive: true });
      const map = await readFile(join(packageDir, 'sourcemaps', `${entry.name}.map`));
      await writeFile(`${mapped}.map`, map);
      await writeFile(mapped, `${entry.data}\n//# sourceMappingURL=${entry.name.split('/').at(-1)}.map\n`);
      cases.push(
        importCase(`${fn.name}, map in zip + --enable-source-maps`, mapped, env, ['--enable-source-maps']),
      );
      // The zip it would make: the bundle's zip plus the map, deflated as the zip would hold it.
      sizes.push({
        name: `${fn.name}, map in zip + --enable-source-maps`,
        zip: fn.zipBytes + deflateRawSync(map).length,
        mjs: entry.data.length + map.length,
      });
    }

    const medians = mediansInTurns(cases);
    const base = medians[0] ?? Number.NaN;
    for (const [index, one] of cases.entries()) {
      const init = medians[index] ?? Number.NaN;
      const size = sizes.find((s) => s.name === one.name);
      const isMapVariant = one.name.includes('--enable-source-maps');
      rows.push([
        one.name,
        size ? `${isMapVariant ? '≈ ' : ''}${kB(size.zip)}` : '',
        size ? `${kB(size.mjs)}${isMapVariant ? ' with map' : ''}` : '',
        ms(init),
        ratio(init, base),
        ms(init - base),
        size && !isMapVariant ? `${within(size.zip, zipBudgetBytes)} / ${within(init, initBudgetMs)}` : '',
      ]);
    }
    console.log(`Lambda bundles: cold init = a fresh node importing the bundle, median of ${runs}`);
    console.log(
      renderTable(
        [
          'bundle',
          right('zip'),
          right('.mjs'),
          right('cold init'),
          right('× bare'),
          right('− bare'),
          right('zip ≤ 1 MB / init ≤ 300 ms'),
        ],
        rows,
      ),
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};

/** Starts `shiftctl emulator -f shifts.yml` and resolves with the endpoint variables it prints. */
const startEmulator = (): Promise<{ child: ChildProcess; env: Record<string, string> }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [shiftctl, 'emulator', '-f', 'shifts.yml', '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`shiftctl emulator did not start:\n${output}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const variables = [...output.matchAll(/^(AWS_ENDPOINT_URL_\w+)=(\S+)$/gm)];
      if (output.includes('listening on') && variables.length > 0) {
        clearTimeout(timer);
        resolve({
          child,
          env: Object.fromEntries(variables.map(([, key = '', value = '']) => [key, value])),
        });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('exit', (code) => reject(new Error(`shiftctl emulator exited ${code}:\n${output}`)));
  });

const cliStart = async (): Promise<void> => {
  const build = spawnSync(process.execPath, [join(root, 'deploy', 'build-cli.mjs')], {
    cwd: root,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`the shiftctl build failed:\n${build.stderr}`);
  console.log(`\n${build.stdout.trim()}`);

  const dynamo = await startDynamoDbLocal();
  const emulator = await startEmulator();
  try {
    const base = `bench-startup-${randomUUID().slice(0, 8)}`;
    const env = {
      ...emulator.env,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      CONFIG_TABLE_NAME: `${base}-config`,
      RUNS_TABLE_NAME: `${base}-runs`,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    for (const args of [
      ['tables', 'create'],
      ['apply', '-f', 'shifts.yml'],
    ]) {
      timeOnce({ name: `shiftctl ${args.join(' ')}`, args: [shiftctl, ...args], env });
    }
    // What bin/shiftctl.js runs when there is no fresh bundle.
    const fromSources = [
      '--input-type=module',
      '-e',
      "import { register } from 'tsx/esm/api'; register(); const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(process.argv.slice(1));",
      '--',
    ];
    const cases: Case[] = [
      { name: 'node -e 0', args: ['-e', '0'] },
      { name: 'shiftctl --help', args: [shiftctl, '--help'] },
      { name: `shiftctl tick --at ${tickAt}`, args: [shiftctl, 'tick', '--at', tickAt], env },
      { name: 'shiftctl --help, from the sources (tsx)', args: [...fromSources, '--help'] },
      {
        name: `shiftctl tick --at ${tickAt}, from the sources (tsx)`,
        args: [...fromSources, 'tick', '--at', tickAt],
        env,
      },
    ];
    const medians = mediansInTurns(cases);
    const bare = medians[0] ?? Number.NaN;
    const rows = cases.map((one, index) => {
      const time = medians[index] ?? Number.NaN;
      return [
        one.name,
        ms(time),
        ratio(time, bare),
        ms(time - bare),
        one.name === 'shiftctl --help' ? within(time, helpBudgetMs) : '',
      ];
    });
    console.log(`shiftctl start, whole process, median of ${runs} (DynamoDB Local and shiftctl emulator)`);
    console.log(
      renderTable(
        ['command', right('time'), right('× node -e 0'), right('− node -e 0'), right('≤ 300 ms')],
        rows,
      ),
    );
  } finally {
    emulator.child.kill('SIGTERM');
    await dynamo.stop();
  }
};

/** Prints the bundle sizes and start times; see the top of this file. */
export const run = async (): Promise<void> => {
  await lambdaBundles();
  await cliStart();
};

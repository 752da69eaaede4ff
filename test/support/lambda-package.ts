import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Top-level entries of the checkout that packaging neither reads nor may share. */
const NOT_COPIED = new Set([
  '.git',
  'node_modules',
  '.serverless',
  '.esbuild',
  'dist',
  'coverage',
  'reports',
]);

/**
 * Runs `osls package` (offline, serverless-esbuild) into `dir` as a deploy would, with the
 * repository's shifts.yml; resolves with its output, rejects with it on a non-zero exit. It packages
 * a copy of the checkout (node_modules linked): the framework works in the service's own .serverless
 * and .esbuild folders, which another packaging at the same time would otherwise overwrite.
 */
export const packageFunctions = async (dir: string, stage = 'test'): Promise<string> => {
  const service = await mkdtemp(join(tmpdir(), 'shift-service-'));
  try {
    for (const name of await readdir(root)) {
      if (!NOT_COPIED.has(name)) await cp(join(root, name), join(service, name), { recursive: true });
    }
    await symlink(join(root, 'node_modules'), join(service, 'node_modules'), 'dir');
    return await osls(service, ['package', '--stage', stage, '--package', dir]);
  } finally {
    await rm(service, { recursive: true, force: true });
  }
};

const osls = (cwd: string, args: readonly string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(join(root, 'node_modules', '.bin', 'osls'), args, {
      cwd,
      env: { ...process.env, SHIFTS_FILE: '', SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
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
      code === 0 ? resolve(output) : reject(new Error(`osls ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });

/** One file of a zip archive, inflated. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

/**
 * The files of a zip archive, read from its central directory (stored or deflated entries, as
 * the framework writes them), so tests and the bench need no unzip tool.
 */
export const readZip = (zip: Buffer): ZipEntry[] => {
  const endOfDirectory = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory < 0) throw new Error('not a zip archive: no end of central directory');
  const count = zip.readUInt16LE(endOfDirectory + 10);
  let at = zip.readUInt32LE(endOfDirectory + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`zip entry ${index}: bad central header`);
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart =
      localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    if (method !== 0 && method !== 8)
      throw new Error(`${name}: zip method ${method} is not stored or deflated`);
    if (!name.endsWith('/')) entries.push({ name, data: method === 8 ? inflateRawSync(raw) : raw });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
};

/** A function's deployment package as `osls package` wrote it. */
export interface PackagedFunction {
  /** The function's name in serverless.yml (`reconcile`, `shiftEdge`). */
  readonly name: string;
  /** The zip's size in bytes: what Lambda downloads and unpacks. */
  readonly zipBytes: number;
  readonly entries: readonly ZipEntry[];
}

/** Every function zip in a package folder. */
export const packagedFunctions = async (dir: string): Promise<PackagedFunction[]> => {
  const zips = (await readdir(dir)).filter((file) => file.endsWith('.zip')).sort();
  return Promise.all(
    zips.map(async (file) => {
      const zip = await readFile(join(dir, file));
      return { name: file.slice(0, -'.zip'.length), zipBytes: zip.length, entries: readZip(zip) };
    }),
  );
};

/**
 * The environment the packaged template gives function `name`: literal values as they are,
 * references (`{ Ref: ConfigTable }`) as a stand-in named after the key, which is all a module's
 * top level needs to build its clients.
 */
export const deployedEnvironment = async (dir: string, name: string): Promise<Record<string, string>> => {
  const template = JSON.parse(
    await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const fn = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::Function' &&
      String(resource.Properties.FunctionName).endsWith(`-${name}`),
  );
  const variables = (fn?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
    ?.Variables;
  if (!variables) throw new Error(`no environment for function ${name} in the packaged template`);
  return Object.fromEntries(
    Object.entries(variables).map(([key, value]) => [
      key,
      typeof value === 'string' ? value : `stand-in-${key.toLowerCase()}`,
    ]),
  );
};

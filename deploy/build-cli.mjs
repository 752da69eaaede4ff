// Bundles shiftctl into dist/cli/ (gitignored), so a start loads one file instead of compiling the
// TypeScript sources with tsx. `npm ci` runs it (the `prepare` script); `npm run build` runs it
// again. bin/shiftctl.js uses the bundle only while it is newer than every file it was built from
// (dist/cli/build.json lists them) and otherwise runs the sources: a checkout without a build, or
// with an edit since, works exactly as before.
//
// The bundle is CommonJS so that bin/shiftctl.js can load it through node:vm with V8's code cache
// (dist/cli/shiftctl.cache, written by the first run): without it, compiling the 1 MB bundle is about
// half of a start. Node 20 has no code cache for ES modules (module.enableCompileCache is Node 22).
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = fileURLToPath(new URL('../dist/cli/', import.meta.url));
const bundleFile = `${outdir}shiftctl.cjs`;
const cacheFile = `${outdir}shiftctl.cache`;
const manifestFile = `${outdir}build.json`;

/** Files whose change makes the bundle stale although esbuild does not read them. */
const ALSO_STALE_WHEN_CHANGED = ['package-lock.json', 'deploy/build-cli.mjs'];

let esbuild;
try {
  esbuild = await import('esbuild');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  // An install without dev dependencies has no esbuild; shiftctl then runs from the sources.
  console.log('shiftctl: esbuild is not installed, so no bundle is built; shiftctl runs from the sources');
  process.exit(0);
}

const posix = (path) => path.split(sep).join('/');

/** The bundle's own URL, which its modules resolve their files against. */
const BUNDLE_URL = '__shiftctlBundleUrl';

/**
 * In a bundle every module's `import.meta.url` would be the bundle's (and CommonJS has none). Modules
 * that find files next to themselves (`new URL('../../deploy/tables.yml', import.meta.url)`) get
 * their own URL back, written relative to the bundle, so they reach the same files as from the
 * sources.
 * @type {import('esbuild').Plugin}
 */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      const contents = await readFile(args.path, 'utf8');
      if (!contents.includes('import.meta.url')) return undefined;
      const own = JSON.stringify(posix(relative(outdir, args.path)));
      return {
        contents: contents.replaceAll('import.meta.url', `new URL(${own}, ${BUNDLE_URL}).href`),
        loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js',
        resolveDir: dirname(args.path),
      };
    });
  },
};

const builtAt = Date.now();
// No manifest while the bundle is being replaced: bin/shiftctl.js then runs the sources.
await rm(manifestFile, { force: true });
await rm(cacheFile, { force: true });
await mkdir(outdir, { recursive: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outfile: bundleFile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import() becomes require(): a script run through node:vm has no loader for import() without an
  // experimental flag.
  supported: { 'dynamic-import': false },
  // The SDK's ES module builds (dist-es) shake far better than its CommonJS ones.
  mainFields: ['module', 'main'],
  minify: true,
  keepNames: true,
  metafile: true,
  logLevel: 'warning',
  banner: { js: `const ${BUNDLE_URL} = require('node:url').pathToFileURL(__filename).href;` },
  plugins: [ownImportMetaUrl],
});

const inputs = Object.keys(result.metafile.inputs)
  .filter((input) => !input.split('/').includes('node_modules'))
  .concat(ALSO_STALE_WHEN_CHANGED)
  .sort();
await writeFile(manifestFile, `${JSON.stringify({ builtAt, inputs }, null, 2)}\n`);
// The first run compiles the bundle and leaves the code cache for every later one.
const shiftctl = fileURLToPath(new URL('../bin/shiftctl.js', import.meta.url));
const warm = spawnSync(process.execPath, [shiftctl, '--help'], { encoding: 'utf8' });
if (warm.status !== 0) throw new Error(`the built shiftctl failed to run --help:\n${warm.stderr}`);
console.log(`shiftctl: built ${posix(relative(root, bundleFile))} from ${inputs.length} files`);

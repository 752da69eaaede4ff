// esbuild plugins for the Lambda bundles (serverless.yml `custom.esbuild.plugins`). serverless-esbuild
// calls this with the framework instance and zips whatever its build folder holds.
const { mkdirSync, renameSync } = require('node:fs');
const { basename, dirname, join, resolve } = require('node:path');

/**
 * Moves each bundle's source map out of the build folder into `<package folder>/sourcemaps/`, beside
 * the zips. A map inside the zip is only read with `--enable-source-maps`, which parses it at every
 * cold start, and it would make the zip four times larger (`npm run bench -- scale-startup` measures
 * both); kept beside the zips, it still turns a minified position from a Lambda stack trace into a
 * line of the TypeScript sources (README, Deployment).
 * @param {string} packageDir where `osls package` gathers the zips
 * @returns {import('esbuild').Plugin}
 */
const sourceMapsBesideZips = (packageDir) => ({
  name: 'source-maps-beside-zips',
  setup(build) {
    build.initialOptions.metafile = true;
    const entries = build.initialOptions.entryPoints;
    const entry = Array.isArray(entries) && typeof entries[0] === 'string' ? entries[0] : undefined;
    build.onEnd((result) => {
      if (!entry || !result.metafile) return;
      const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
      for (const output of Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.map'))) {
        const target = join(packageDir, 'sourcemaps', dirname(entry), basename(output));
        mkdirSync(dirname(target), { recursive: true });
        renameSync(resolve(cwd, output), target);
      }
    });
  },
});

/** @param {{ serviceDir?: string }} serverless */
module.exports = (serverless) =>
  // The framework gathers every artifact in the service's .serverless folder and moves the folder
  // to `--package DIR` when one is given, so the maps travel with the zips.
  [sourceMapsBesideZips(join(serverless.serviceDir ?? process.cwd(), '.serverless'))];

#!/usr/bin/env node
// shiftctl runs the bundle that `npm ci` builds (deploy/build-cli.mjs) while it is newer than every
// file it was built from; otherwise, as in a checkout without a build or after an edit, it runs the
// TypeScript sources through tsx. A stale bundle is never run.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `shiftctl runs | head`: a reader that stops early is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const root = new URL('../', import.meta.url);
const bundle = fileURLToPath(new URL('dist/cli/shiftctl.cjs', root));
const codeCache = fileURLToPath(new URL('dist/cli/shiftctl.cache', root));

/** Whether the bundle exists and no file it was built from changed since the build began. */
const bundleIsFresh = () => {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('dist/cli/build.json', root), 'utf8'));
    if (typeof builtAt !== 'number' || !Array.isArray(inputs)) return false;
    statSync(bundle);
    return inputs.every((input) => statSync(new URL(input, root)).mtimeMs <= builtAt);
  } catch {
    // No build, an unreadable manifest or a file gone since: the sources decide.
    return false;
  }
};

/**
 * Loads the CommonJS bundle as node's own loader would, but with V8's code cache, so a start does
 * not compile the whole bundle again. Returns its exports and a function that stores the cache when
 * there was none that V8 accepted (a first run, or another node version).
 */
const loadBundle = () => {
  let cachedData;
  try {
    cachedData = readFileSync(codeCache);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  const storeCache = () => {
    if (cachedData && !script.cachedDataRejected) return;
    try {
      // Written aside and renamed, so a shiftctl starting meanwhile never reads half a cache.
      const partial = `${codeCache}.${process.pid}`;
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, codeCache);
    } catch {
      // A read-only install still runs, only without the cache.
    }
  };
  return { main: module.exports.main, storeCache };
};

if (bundleIsFresh()) {
  const { main, storeCache } = loadBundle();
  process.exitCode = await main(process.argv.slice(2));
  // After the run, so the cache also holds the functions this run compiled.
  storeCache();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
}

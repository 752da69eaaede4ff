#!/usr/bin/env node
// shiftctl runs the bundle that `npm ci` builds (deploy/build-cli.mjs) while it is newer than every
// file it was built from; otherwise, as in a checkout without a build or after an edit, it runs the
// TypeScript sources through tsx. A stale bundle is never run.
import { readFileSync, statSync } from 'node:fs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `shiftctl runs | head`: a reader that stops early is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const root = new URL('../', import.meta.url);
const bundle = new URL('dist/cli/shiftctl.mjs', root);

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

let main;
if (bundleIsFresh()) {
  ({ main } = await import(bundle.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));

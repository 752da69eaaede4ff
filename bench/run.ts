/**
 * `npm run bench`: runs every benchmark module in this folder, one after another. A module is any
 * `*.ts` file here but this one; it exports `run(args: string[]): Promise<void>`, which prints its
 * own figures. `npm run bench -- emulator` runs only the modules whose file name contains
 * "emulator"; the arguments after the name go to the module (`npm run bench -- month --days 7`).
 * A usage error (a bad flag) ends with exit status 2 and its message.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { exitStatusOf, isSchedulerError } from '../src/errors.ts';

// The benchmarks run the real SDK clients on Node 20; their notice about future Node versions is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const folder = fileURLToPath(new URL('.', import.meta.url));
const [filter, ...args] = process.argv.slice(2);
const modules = (await readdir(folder))
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && (!filter || file.includes(filter)))
  .sort();

try {
  for (const file of modules) {
    const module = (await import(new URL(file, import.meta.url).href)) as {
      run?: (args: string[]) => Promise<void>;
    };
    if (typeof module.run !== 'function') throw new Error(`bench/${file} does not export run()`);
    console.log(`\n## ${file}`);
    await module.run(args);
  }
} catch (error) {
  if (!isSchedulerError(error)) throw error;
  console.error(error.message);
  process.exitCode = exitStatusOf(error);
}

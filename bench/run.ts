/**
 * `npm run bench`: runs every benchmark module in this folder, one after another. A module is any
 * `*.ts` file here but this one; it exports `run(): Promise<void>`, which prints its own figures.
 * `npm run bench -- emulator` runs only the modules whose file name contains "emulator".
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

// The benchmarks run the real SDK clients on Node 20; their notice about future Node versions is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const folder = fileURLToPath(new URL('.', import.meta.url));
const filter = process.argv[2];
const modules = (await readdir(folder))
  .filter((file) => file.endsWith('.ts') && file !== 'run.ts' && (!filter || file.includes(filter)))
  .sort();

for (const file of modules) {
  const module = (await import(new URL(file, import.meta.url).href)) as { run?: () => Promise<void> };
  if (typeof module.run !== 'function') throw new Error(`bench/${file} does not export run()`);
  console.log(`\n## ${file}`);
  await module.run();
}

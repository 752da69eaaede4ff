import { Worker } from 'node:worker_threads';
import type { StrategyRunner } from './run-month.ts';

/**
 * Runs a strategy on a worker thread of its own, so strategies use every core: each has its own
 * engine, stores and client and shares nothing with the others. Its entry registers tsx, so it
 * loads the TypeScript sources as the bench does.
 */
export const workerRunner: StrategyRunner = (params, name) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./strategy-worker.mjs', import.meta.url), {
      workerData: { params, name },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the ${name} strategy's worker ended with exit code ${code}`));
    });
  });

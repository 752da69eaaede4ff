/** One strategy of the month bench on a worker thread: `workerData` names it, the answer is posted back. */
import { parentPort, workerData } from 'node:worker_threads';
import type { MonthParams } from './params.ts';
import { runStrategy, type StrategyName } from './run-month.ts';

const { params, name } = workerData as { params: MonthParams; name: StrategyName };
parentPort?.postMessage(await runStrategy(params, name));

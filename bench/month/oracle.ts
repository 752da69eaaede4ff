/**
 * The oracle: a strategy that knows how long each start and stop of each model will take and how
 * each start ends, because it reads the emulator's keyed draws ahead of time. It sends the start
 * that will succeed exactly its latency before the run begins (after any attempt that will fail,
 * sent early enough for the failure and the retry), stops at the run's end, and keeps a model
 * running over a break that is shorter than stopping and starting again would take.
 */

import { startDraw, stopDraw } from '../../src/emulator/kernel.ts';
import type { Latency } from '../../src/emulator/random.ts';
import type { Run } from '../../src/schedule/runs.ts';

/** One call the oracle sends, at its exact instant. */
export interface OracleAction {
  readonly at: number;
  readonly action: 'start' | 'stop';
  readonly run: Run;
}

/** What the oracle reads of one model's draws: the model's name at the service and its latencies. */
export interface OracleModel {
  readonly key: string;
  readonly startLatency: Latency;
  readonly stopLatency: Latency;
}

/** The draws the oracle reads: the seed and the hosting-failure probability the emulator runs with. */
export interface OracleDraws {
  readonly seed: number;
  readonly hostingFailureProbability: number;
}

/**
 * The oracle's calls for one model's `runs` (sorted, each starting at or after `from`), given that
 * the model is stopped at `from` and that the k-th start and stop it sends are the model's k-th.
 */
export const oracleActions = (
  model: OracleModel,
  runs: readonly Run[],
  draws: OracleDraws,
  from: number,
): OracleAction[] => {
  const actions: OracleAction[] = [];
  let starts = 0;
  let stops = 0;
  let hosted = false;
  let stoppedAt = from;
  // The attempts from start number k+1 on until the first that succeeds, and their total latency.
  const chainAfter = (k: number) => {
    const latencies: number[] = [];
    for (let next = k + 1; ; next += 1) {
      const drawn = startDraw(
        draws.seed,
        model.key,
        next,
        model.startLatency,
        draws.hostingFailureProbability,
      );
      latencies.push(drawn.latencyMs);
      if (!drawn.fails) return { latencies, total: latencies.reduce((sum, ms) => sum + ms, 0) };
    }
  };
  for (const [index, run] of runs.entries()) {
    if (!hosted) {
      const chain = chainAfter(starts);
      // A start cannot go out before the last stop has completed: then it is as early as can be.
      let at = Math.max(run.start.getTime() - chain.total, stoppedAt);
      for (const latency of chain.latencies) {
        actions.push({ at, action: 'start', run });
        at += latency;
      }
      starts += chain.latencies.length;
      hosted = true;
    }
    const next = runs[index + 1];
    const stopTakes = Math.max(0, stopDraw(draws.seed, model.key, stops + 1, model.stopLatency));
    // Keep running over a break when the next start would have to go out before this stop completes.
    if (next && run.end.getTime() + stopTakes > next.start.getTime() - chainAfter(starts).total) continue;
    actions.push({ at: run.end.getTime(), action: 'stop', run });
    stops += 1;
    stoppedAt = run.end.getTime() + stopTakes;
    hosted = false;
  }
  return actions;
};

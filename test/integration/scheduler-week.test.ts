import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsBetween } from '../../src/schedule/runs.ts';
import type { LocalScheduler } from '../../src/simulation/local-scheduler.ts';
import { type SimulationResult, simulate } from '../../src/simulation/simulate.ts';
import { interfaceExample } from '../support/builders.ts';
import { type ScheduledTest, startScheduledTest } from '../support/local-scheduler.ts';

// Mon 2027-03-22 to Mon 2027-03-29: Europe/Berlin springs forward on Sunday 2027-03-28 at 02:00,
// inside the weekend night shift of Saturday to Sunday.
const from = new Date('2027-03-22T00:00:00+01:00');
const to = new Date('2027-03-29T00:00:00+02:00');
const minute = 60_000;

describe('a week across the spring-forward change, on the INTERFACE.md example', () => {
  const config = interfaceExample();
  let test: ScheduledTest;
  let local: LocalScheduler;
  let result: SimulationResult;

  beforeAll(async () => {
    test = await startScheduledTest('scheduler-week', config, from, {
      seed: 7,
      startLatency: { minMs: 5 * minute, maxMs: 15 * minute },
      stopLatency: { minMs: 1 * minute, maxMs: 3 * minute },
    });
    local = test.local;
    result = await simulate({ config, deps: local.deps, emulator: local.emulator, from, to });
  }, 300_000);

  afterAll(async () => {
    await test?.close();
  });

  it('has every model HOSTED from the first to the last minute of every shift', () => {
    for (const model of result.models) {
      expect(model.shiftMinutes, model.model).toBeGreaterThan(0);
      expect(model.lateWindows, model.model).toEqual([]);
      expect(model.coverage, model.model).toBe(1);
    }
  });

  it('pays for nothing outside the lead, the shifts and the stop', () => {
    for (const model of result.models) {
      expect(model.billedOutsideUnitMinutes, model.model).toBe(0);
      expect(model.billedUnitMinutes, model.model).toBeLessThanOrEqual(model.plannedUnitMinutes + 2 * 3 * 10);
    }
  });

  it('starts each run once, with its configured units, and never on a day without a shift', () => {
    const calls = local.emulator.callLog();
    for (const model of config.models) {
      if (model.provider !== 'lookoutvision') continue;
      const runs = runsBetween(config, from, to, { model: model.id });
      const starts = local.emulator
        .ledger()
        .runs.filter(
          (run) => run.projectName === model.projectName && run.modelVersion === model.modelVersion,
        );
      expect(result.acceptedStarts[model.id], model.id).toBe(runs.length);
      expect(
        starts.map((run) => [
          run.startedAt.toISOString().slice(0, 10),
          run.minInferenceUnits,
          run.maxInferenceUnits,
        ]),
      ).toEqual(
        runs.map((run) => [
          run.startAt.toISOString().slice(0, 10),
          run.minInferenceUnits,
          run.maxInferenceUnits,
        ]),
      );
    }
    expect(calls.filter((call) => call.outcome === 'error')).toEqual([]);
  });

  it('stops each model within one tick after its run ends', () => {
    for (const model of result.models) {
      const runs = runsBetween(config, from, to, { model: model.model });
      for (const run of runs) {
        const stillHosted = model.timeline.find(
          (span) =>
            span.status === 'HOSTED' &&
            span.to.getTime() > run.end.getTime() + 5 * minute &&
            span.from < run.end,
        );
        expect(stillHosted, `${model.model} after ${run.end.toISOString()}`).toBeUndefined();
      }
    }
  });

  it('records every run as completed, with its tokens and its cost', async () => {
    for (const model of config.models) {
      const runs = await local.deps.runs.list(model.id);
      const planned = runsBetween(config, from, to, { model: model.id });
      expect(runs.map((run) => run.runId)).toEqual(planned.map((run) => run.runId));
      // The last weekend night runs on past the end of the simulated week.
      for (const run of runs.filter((recorded) => Date.parse(recorded.plannedEndAt) <= to.getTime())) {
        expect(run.outcome, run.runId).toBe('completed');
        expect(run.starts).toHaveLength(1);
        expect(run.stops).toHaveLength(1);
        expect(run.hostedAt, run.runId).toBeDefined();
        expect(await local.deps.runs.getToken(run.starts[0]?.clientToken ?? '')).toMatchObject({
          runId: run.runId,
        });
      }
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalScheduler } from '../../src/simulation/local-scheduler.ts';
import { simulate } from '../../src/simulation/simulate.ts';
import { interfaceExample } from '../support/builders.ts';
import { type ScheduledTest, startScheduledTest } from '../support/local-scheduler.ts';

// Friday 2027-03-26 in Berlin: pcb-line-1 runs 05:40–22:00 with 2–4 units.
const friday = (time: string) => new Date(`2027-03-26T${time}:00+01:00`);
const minute = 60_000;

const acceptedCalls = (local: LocalScheduler, api: 'StartModel' | 'StopModel') =>
  local.emulator
    .callLog()
    .filter(
      (call) => call.api === api && call.outcome === 'accepted' && call.projectName === 'circuit-boards',
    );

describe('an override on while the model is in a shift', () => {
  const config = interfaceExample();
  let test: ScheduledTest;
  let local: LocalScheduler;

  beforeAll(async () => {
    test = await startScheduledTest('overrides', config, friday('05:00'), {
      startLatency: 10 * minute,
      stopLatency: 2 * minute,
    });
    local = test.local;
    await simulate({
      config,
      deps: local.deps,
      emulator: local.emulator,
      from: friday('05:00'),
      to: friday('08:00'),
    });
    // The plant keeps the line on for an extra hour after the late shift.
    await local.deps.configs.setOverride({
      model: 'pcb-line-1',
      state: 'on',
      until: friday('23:00').toISOString(),
      reason: 'overtime',
      setAt: friday('08:00').toISOString(),
    });
    await simulate({
      config,
      deps: local.deps,
      emulator: local.emulator,
      from: friday('08:00'),
      to: friday('23:30'),
    });
  }, 120_000);

  afterAll(async () => {
    await test?.close();
  });

  it('keeps the running model through the shift and the overtime without a restart', () => {
    expect(acceptedCalls(local, 'StartModel')).toHaveLength(1);
    const stops = acceptedCalls(local, 'StopModel');
    expect(stops.map((call) => call.at.toISOString())).toEqual([friday('23:00').toISOString()]);
  });

  it('hands the shift run over to the override run with the same units', async () => {
    const runs = await local.deps.runs.list('pcb-line-1');
    expect(
      runs.map((run) => [run.origin, run.outcome, run.minInferenceUnits, run.maxInferenceUnits]),
    ).toEqual([
      ['schedule', 'completed', 2, 4],
      ['override', 'completed', 2, 4],
    ]);
    expect(runs[0]?.note).toMatch(/handed over to .*~override without a restart/);
    expect(runs[0]?.billedUntil).toBe(runs[1]?.billedFrom);
  });
});

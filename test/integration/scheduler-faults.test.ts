import { afterEach, describe, expect, it } from 'vitest';
import { reconcile } from '../../src/app/reconcile.ts';
import type { EmulatorOptions } from '../../src/emulator/lookoutvision-emulator.ts';
import type { LocalScheduler } from '../../src/simulation/local-scheduler.ts';
import { simulate } from '../../src/simulation/simulate.ts';
import { interfaceExample } from '../support/builders.ts';
import { CrashingRuns } from '../support/crashing-runs.ts';
import { type ScheduledTest, secondInvocation, startScheduledTest } from '../support/local-scheduler.ts';
import { runShiftctl } from '../support/shiftctl.ts';

// Friday 2027-03-26 in Berlin (+01:00): pcb-line-1 runs 05:40–22:00 (early + late, one run, 2–4 units);
// night-inspection runs 21:30 (30 min lead) to Saturday 06:00 with 1 unit.
const friday = (time: string) => new Date(`2027-03-26T${time}:00+01:00`);
const saturday = (time: string) => new Date(`2027-03-27T${time}:00+01:00`);
const minute = 60_000;
const pcb = { projectName: 'circuit-boards', modelVersion: '3' };
const weld = { projectName: 'weld-seams', modelVersion: '1' };

const config = interfaceExample();
const opened: ScheduledTest[] = [];

afterEach(async () => {
  for (const test of opened.splice(0)) await test.close();
});

const setUp = async (start: Date, options: Partial<EmulatorOptions> = {}) => {
  const test = await startScheduledTest('scheduler-faults', config, start, {
    seed: 11,
    startLatency: { minMs: 5 * minute, maxMs: 12 * minute },
    stopLatency: 2 * minute,
    ...options,
  });
  opened.push(test);
  return test;
};

const starts = (
  local: LocalScheduler,
  address: typeof pcb,
  outcome: 'accepted' | 'replayed' | 'error' = 'accepted',
) =>
  local.emulator
    .callLog()
    .filter(
      (call) =>
        call.api === 'StartModel' &&
        call.outcome === outcome &&
        call.projectName === address.projectName &&
        call.modelVersion === address.modelVersion,
    );

const measureOf = (result: Awaited<ReturnType<typeof simulate>>, model: string) => {
  const measure = result.models.find((candidate) => candidate.model === model);
  if (!measure) throw new Error(`no measure for ${model}`);
  return measure;
};

describe('the scheduler under faults (DynamoDB Local + the emulator through the real SDK client)', () => {
  it('absorbs 20 % throttling on every API: full coverage, one start per run, nothing paid outside the plan', async () => {
    // Prepare: the SDK's adaptive retries wait on the wall clock, so only the edges of the day are simulated
    const { local } = await setUp(friday('05:00'), { faults: { throttleProbability: 0.2 } });
    const segments = [
      [friday('05:00'), friday('06:30')],
      [friday('21:00'), friday('22:30')],
      [saturday('05:45'), saturday('06:30')],
    ] as const;
    // Act
    const results = [];
    for (const [from, to] of segments) {
      results.push(await simulate({ config, deps: local.deps, emulator: local.emulator, from, to }));
    }
    // Assess
    expect(
      local.emulator.callLog().filter((call) => call.errorType === 'ThrottlingException').length,
    ).toBeGreaterThan(10);
    const [morning, evening] = results;
    expect(measureOf(morning as never, 'pcb-line-1')).toMatchObject({ coverage: 1, lateWindows: [] });
    expect(measureOf(evening as never, 'night-inspection')).toMatchObject({ coverage: 1, lateWindows: [] });
    expect(starts(local, pcb)).toHaveLength(1);
    expect(starts(local, weld)).toHaveLength(1);
    const runs = [
      ...(await local.deps.runs.list('pcb-line-1')),
      ...(await local.deps.runs.list('night-inspection')),
    ];
    expect(runs.map((run) => run.outcome)).toEqual(['completed', 'completed']);
    const ledger = local.emulator.ledger().runs;
    expect(
      ledger.map((run) => run.endedAt !== null && run.endedAt.getTime() - run.startedAt.getTime()),
    ).toEqual([expect.any(Number), expect.any(Number)]);
  }, 180_000);

  it('retries a failed hosting with a new token and still hosts the shift, with a complete runs history', async () => {
    // Prepare
    const { local, tables } = await setUp(friday('04:00'));
    local.emulator.failNextStarts(pcb, 1);
    // Act
    const result = await simulate({
      config,
      deps: local.deps,
      emulator: local.emulator,
      from: friday('04:00'),
      to: friday('23:00'),
    });
    // Assess
    const measure = measureOf(result, 'pcb-line-1');
    expect(measure.coverage).toBeGreaterThan(0.95);
    expect(
      measure.lateWindows.every((window) => (window.minutesLate ?? Number.POSITIVE_INFINITY) <= 25),
    ).toBe(true);
    expect(result.acceptedStarts['pcb-line-1']).toBe(2);
    expect(result.alerts).toEqual([]);
    const history = JSON.parse(
      (await runShiftctl(['runs', '--model', 'pcb-line-1', '--json'], tables.names)).out,
    ) as { runs: Record<string, unknown>[] };
    expect(history.runs).toHaveLength(1);
    const [run] = history.runs;
    expect(run).toMatchObject({
      model: 'pcb-line-1',
      outcome: 'completed',
      startAttempts: 2,
      minInferenceUnits: 2,
      maxInferenceUnits: 4,
    });
    const tokens = run?.clientTokens as string[];
    expect(new Set(tokens).size).toBe(3);
    expect(starts(local, pcb).map((call) => call.clientToken)).toEqual(tokens.slice(0, 2));
    for (const key of ['requestedStartAt', 'hostedAt', 'requestedStopAt', 'stoppedAt'])
      expect(run?.[key]).toEqual(expect.any(String));
    expect(run?.cost).toBeGreaterThan(0);
  });

  it('gives up loudly after three failed hostings and leaves the other model alone', async () => {
    // Prepare
    const { local } = await setUp(friday('04:00'));
    local.emulator.failNextStarts(pcb, 10);
    // Act
    const result = await simulate({
      config,
      deps: local.deps,
      emulator: local.emulator,
      from: friday('04:00'),
      to: saturday('08:00'),
    });
    // Assess
    expect(result.acceptedStarts['pcb-line-1']).toBe(3);
    expect(result.alerts.filter((alert) => alert.model === 'pcb-line-1')).toHaveLength(1);
    expect(result.alerts[0]?.reason).toMatch(/gave up: hosting failed after 3 starts/);
    const [run] = await local.deps.runs.list('pcb-line-1');
    expect(run?.outcome).toBe('failed');
    expect(measureOf(result, 'night-inspection').coverage).toBe(1);
  });

  it('starts once and stops once when the same tick runs twice at the same time', async () => {
    // Prepare
    const scheduled = await setUp(friday('05:40'));
    const { local } = scheduled;
    const other = secondInvocation(scheduled);
    // Act: two invocations of the start edge at once
    const [first, second] = await Promise.all([
      reconcile(local.deps, { at: friday('05:40') }),
      reconcile(other, { at: friday('05:40') }),
    ]);
    local.clock.set(friday('22:00'));
    await Promise.all([
      reconcile(local.deps, { at: friday('22:00') }),
      reconcile(other, { at: friday('22:00') }),
    ]);
    // Assess
    const outcomes = [...first.outcomes, ...second.outcomes].filter(
      (outcome) => outcome.model === 'pcb-line-1',
    );
    // One sends; the other loses the conditional write or sees the fresh intent, and waits.
    expect(outcomes.filter((outcome) => outcome.result === 'sent')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.action === 'wait')).toHaveLength(1);
    expect(starts(local, pcb)).toHaveLength(1);
    const stops = local.emulator
      .callLog()
      .filter((call) => call.api === 'StopModel' && call.outcome === 'accepted');
    expect(stops.filter((call) => call.projectName === pcb.projectName)).toHaveLength(1);
    const [run] = await local.deps.runs.list('pcb-line-1');
    expect(run?.starts).toHaveLength(1);
    expect(run?.stops).toHaveLength(1);
  });

  it('repairs a crash between the written intent and the call: the next pass sends the same token once', async () => {
    // Prepare: this invocation dies right after writing the start intent of pcb-line-1
    const { local } = await setUp(friday('05:40'));
    const crashing = {
      ...local.deps,
      runs: new CrashingRuns(
        local.deps.runs,
        'after',
        (run, tokens) => run.model === 'pcb-line-1' && tokens.length > 0,
      ),
    };
    // Act
    const crashed = await reconcile(crashing, { at: friday('05:40') });
    const written = (await local.deps.runs.list('pcb-line-1'))[0];
    local.clock.set(friday('05:41'));
    const tooSoon = await reconcile(local.deps, { at: friday('05:41') });
    local.clock.set(friday('05:45'));
    const repaired = await reconcile(local.deps, { at: friday('05:45') });
    // Assess
    expect(crashed.outcomes.find((o) => o.model === 'pcb-line-1')).toMatchObject({
      result: 'failed',
      alert: true,
    });
    expect(written?.starts).toEqual([expect.objectContaining({ attempt: 1 })]);
    expect(written?.starts[0]?.acceptedAt).toBeUndefined();
    expect(tooSoon.outcomes.find((o) => o.model === 'pcb-line-1')?.action).toBe('wait');
    expect(repaired.outcomes.find((o) => o.model === 'pcb-line-1')).toMatchObject({
      action: 'start',
      result: 'sent',
    });
    expect(starts(local, pcb).map((call) => call.clientToken)).toEqual([written?.starts[0]?.clientToken]);
    const [run] = await local.deps.runs.list('pcb-line-1');
    expect(run?.starts).toEqual([
      expect.objectContaining({ attempt: 1, acceptedAt: friday('05:45').toISOString() }),
    ]);
  });

  it('repairs a crash between the call and its answer being recorded, billing from the intent', async () => {
    // Prepare: this invocation dies right after the service accepted the start, before recording it
    const { local } = await setUp(friday('05:40'));
    const crashing = {
      ...local.deps,
      runs: new CrashingRuns(local.deps.runs, 'after', (run) =>
        run.starts.some((start) => start.acceptedAt !== undefined),
      ),
    };
    // Act
    await reconcile(crashing, { at: friday('05:40') });
    local.clock.set(friday('05:45'));
    await reconcile(local.deps, { at: friday('05:45') });
    // Assess
    expect(starts(local, pcb)).toHaveLength(1);
    const [run] = await local.deps.runs.list('pcb-line-1');
    expect(run).toMatchObject({
      billedFrom: friday('05:40').toISOString(),
      starts: [expect.objectContaining({ attempt: 1 })],
    });
  });

  it('fails the run of a model deleted from the service once, alerts, and keeps scheduling the others', async () => {
    // Prepare
    const { local } = await setUp(friday('04:00'));
    local.emulator.seedModel({ ...weld, status: 'DELETING' });
    // Act
    const result = await simulate({
      config,
      deps: local.deps,
      emulator: local.emulator,
      from: friday('04:00'),
      to: saturday('08:00'),
    });
    // Assess
    expect(starts(local, weld, 'accepted')).toHaveLength(0);
    expect(starts(local, weld, 'error')).toHaveLength(0);
    expect(result.alerts.map((alert) => alert.model)).toEqual(['night-inspection']);
    const [run] = await local.deps.runs.list('night-inspection');
    expect(run).toMatchObject({
      outcome: 'failed',
      errors: [expect.objectContaining({ code: 'ResourceNotFound' })],
    });
    expect(measureOf(result, 'pcb-line-1').coverage).toBe(1);
  });

  it('does not retry a start refused for access, and alerts once', async () => {
    // Prepare
    const { local } = await setUp(friday('05:00'));
    local.emulator.injectError({ api: 'StartModel', error: 'AccessDeniedException', times: 100, ...pcb });
    // Act
    const result = await simulate({
      config,
      deps: local.deps,
      emulator: local.emulator,
      from: friday('05:00'),
      to: friday('08:00'),
    });
    // Assess
    expect(starts(local, pcb, 'error')).toHaveLength(1);
    expect(result.alerts).toEqual([
      expect.objectContaining({ model: 'pcb-line-1', errorCode: 'AccessDenied' }),
    ]);
    const [run] = await local.deps.runs.list('pcb-line-1');
    expect(run?.outcome).toBe('failed');
  });
});

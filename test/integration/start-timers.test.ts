import { afterEach, describe, expect, it } from 'vitest';
import { outOfTimeCode, type ReconcileDeps, reconcile } from '../../src/app/reconcile.ts';
import { reconcileTimer } from '../../src/app/start-at.ts';
import { parseShiftsText } from '../../src/providers/config.ts';
import { deployedDriver, simulate } from '../../src/simulation/simulate.ts';
import { VirtualStartTimers } from '../../src/simulation/virtual-start-timers.ts';
import { type ScheduledTest, startScheduledTest } from '../support/local-scheduler.ts';

const minute = 60_000;

/**
 * `count` Lookout for Vision models whose shift starts at 06:03 Berlin on Friday 2027-03-26
 * (05:03Z), between the 05:00 and 05:05 ticks, with no lead: the start instant is 05:03Z.
 */
const fleet = (count: number) =>
  parseShiftsText(
    [
      'version: 1',
      'defaults: { timezone: Europe/Berlin, leadMinutes: 0 }',
      'schedules:',
      '  odd-minute:',
      '    shifts: [{ name: early, days: mon-fri, start: "06:03", end: "14:00", minInferenceUnits: 1 }]',
      'models:',
      ...Array.from(
        { length: count },
        (_, i) =>
          `  - { id: cam-${i}, provider: lookoutvision, projectName: line-${i % 2}, modelVersion: "${i + 1}", schedule: odd-minute }`,
      ),
    ].join('\n'),
    'start-timers.yml',
  );

const startInstant = Date.parse('2027-03-26T05:03:00Z');
const from = new Date('2027-03-26T05:00:00Z');
const to = new Date('2027-03-26T05:20:00Z');

const startCalls = (test: ScheduledTest) =>
  test.local.emulator.callLog().filter((call) => call.api === 'StartModel' && call.httpStatus < 300);

describe('start timers between ticks', () => {
  let test: ScheduledTest | undefined;

  afterEach(async () => {
    await test?.close();
    test = undefined;
  });

  it('starts a model within a minute of its instant between two ticks, where the tick alone starts it at the next tick', async () => {
    // Prepare
    const config = fleet(1);
    test = await startScheduledTest('timer-between-ticks', config, from, {
      startLatency: { minMs: 2 * minute, maxMs: 2 * minute },
    });

    // Act: ticks every 5 minutes, no edge schedules: only the tick's timers can start it before 05:05.
    const result = await simulate({
      config,
      deps: test.local.deps,
      emulator: test.local.emulator,
      from,
      to,
      edges: false,
    });

    // Assess
    const [start] = startCalls(test);
    expect(start).toBeDefined();
    expect(Math.abs((start?.at.getTime() ?? 0) - startInstant)).toBeLessThanOrEqual(minute);
    expect(start?.at.getTime()).toBeLessThanOrEqual(startInstant);
    expect(result.timerPasses).toBe(1);
    expect(result.acceptedStarts['cam-0']).toBe(1);
    const [run] = await test.local.deps.runs.list('cam-0', { since: from, until: to });
    expect(Math.abs(Date.parse(run?.starts[0]?.intendedAt ?? '') - startInstant)).toBeLessThanOrEqual(minute);
  });

  it('starts a model once when its shift-edge schedule and its timer fire for the same instant', async () => {
    const config = fleet(1);
    test = await startScheduledTest('timer-and-edge', config, from, {
      startLatency: { minMs: 2 * minute, maxMs: 2 * minute },
    });

    const result = await simulate({ config, deps: test.local.deps, emulator: test.local.emulator, from, to });

    expect(result.edgePasses).toBeGreaterThanOrEqual(1);
    expect(result.timerPasses).toBe(1);
    expect(startCalls(test)).toHaveLength(1);
    expect(result.acceptedStarts['cam-0']).toBe(1);
    expect(result.replayedStarts).toBe(0);
    // The edge fires at the start instant, never earlier than the lead wants.
    expect(startCalls(test)[0]?.at.getTime()).toBeLessThanOrEqual(startInstant);
  });

  it('stops sending at its deadline, leaves a continuation for the rest, and starts no model twice', async () => {
    // Prepare: 12 starts paced at 5 per second take 2.4 virtual seconds; the pass may send for 1.
    const config = fleet(12);
    test = await startScheduledTest('timer-deadline', config, new Date(startInstant - 30_000), {
      startLatency: { minMs: 2 * minute, maxMs: 2 * minute },
      paced: true,
    });
    const { clock } = test.local;
    const timers = new VirtualStartTimers();
    const began = clock.now().getTime();
    const deps: ReconcileDeps = {
      ...test.local.deps,
      timers,
      deadlineMarginMs: 1_000,
      timeLeft: () => 2_000 - (clock.now().getTime() - began),
    };
    const queue = {
      at: new Date(startInstant - 30_000).toISOString(),
      models: config.models.map((model) => ({
        model: model.id,
        startAt: new Date(startInstant).toISOString(),
      })),
      reason: 'twelve starts due together',
    };

    // Act
    const first = await reconcileTimer(deps, queue, clock.now());

    // Assess: some sent, the rest deferred for time and named in a continuation due at once.
    const sent = first?.outcomes.filter((outcome) => outcome.result === 'sent') ?? [];
    const left = first?.outcomes.filter((outcome) => outcome.errorCode === outOfTimeCode) ?? [];
    expect(sent.length).toBeGreaterThan(0);
    expect(left.length).toBeGreaterThan(0);
    expect(sent.length + left.length).toBe(12);
    expect(first?.continuation?.models.map((start) => start.model).sort()).toEqual(
      left.map((outcome) => outcome.model).sort(),
    );
    expect(
      first?.continuation?.models.every((start) => start.startAt === new Date(startInstant).toISOString()),
    ).toBe(true);
    expect(timers.pending).toHaveLength(1);

    // Act: the continuation is delivered at once and runs with a fresh deadline.
    const due = timers.takeDue(clock.now().getTime() + 1);
    expect(due).toBeDefined();
    const resumed = clock.now().getTime();
    const second = await reconcileTimer(
      { ...deps, timeLeft: () => 60_000 - (clock.now().getTime() - resumed) },
      due?.message ?? queue,
      clock.now(),
    );

    // Assess: every model started exactly once, all by their instant.
    expect(second?.outcomes.every((outcome) => outcome.result === 'sent')).toBe(true);
    const starts = startCalls(test);
    expect(starts).toHaveLength(12);
    expect(new Set(starts.map((call) => call.modelVersion)).size).toBe(12);
    expect(starts.every((call) => call.at.getTime() <= startInstant)).toBe(true);
  });

  it('keeps a model the queue started ahead of its instant when a tick comes before that instant', async () => {
    // Prepare: the timer's pass starts the model 30 s ahead of its start instant.
    const config = fleet(1);
    const early = new Date(startInstant - 30_000);
    test = await startScheduledTest('timer-early-kept', config, early, {
      startLatency: { minMs: 2 * minute, maxMs: 2 * minute },
    });
    const deps = test.local.deps;
    const startAt = new Date(startInstant).toISOString();
    await reconcileTimer(
      deps,
      { at: early.toISOString(), models: [{ model: 'cam-0', startAt }], reason: 'r' },
      early,
    );
    expect(startCalls(test)).toHaveLength(1);

    // Act: a tick between the early send and the start instant.
    const tickAt = new Date(startInstant - 10_000);
    test.local.clock.set(tickAt);
    const tick = await reconcile(deps, { at: tickAt });

    // Assess
    expect(tick.outcomes[0]).toMatchObject({ model: 'cam-0', desired: 'on', action: 'wait' });
    expect(test.local.emulator.callLog().filter((call) => call.api === 'StopModel')).toEqual([]);
  });

  it('arms the timers of the deployed driver on its own queue, one per queue of starts', async () => {
    const config = fleet(3);
    test = await startScheduledTest('timer-arming', config, from);
    const driver = deployedDriver({
      config,
      deps: test.local.deps,
      clock: test.local.clock,
      from,
      to,
      edges: false,
    });

    const [tick] = await driver(from);

    expect(tick?.timers).toEqual([
      {
        at: new Date(Math.floor((startInstant - 400 - 15_000) / 1000) * 1000).toISOString(),
        models: ['cam-0', 'cam-1', 'cam-2'].map((model) => ({
          model,
          startAt: new Date(startInstant).toISOString(),
        })),
        reason: expect.stringContaining('3 lookoutvision starts'),
      },
    ]);
    expect(driver.timers.pending).toHaveLength(1);
  });
});

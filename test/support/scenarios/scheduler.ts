import { afterEach, describe, expect, it } from 'vitest';
import { reconcile } from '../../../src/app/reconcile.ts';
import type { ShiftsConfig } from '../../../src/providers/config.ts';
import { parseShiftsText } from '../../../src/providers/config.ts';
import type { LocalScheduler } from '../../../src/simulation/local-scheduler.ts';
import { simulate } from '../../../src/simulation/simulate.ts';
import type { RunRecord } from '../../../src/store/run-record.ts';
import { interfaceExampleText } from '../builders.ts';
import { CrashingRuns } from '../crashing-runs.ts';
import { berlinFriday, berlinSaturday, fridayEarlyLead, fridayLateEnd } from '../instants.ts';
import { type ScheduledTest, secondInvocation, startScheduledTest } from '../local-scheduler.ts';
import type { EmulatorSettings, ProviderFixture, ServiceCall } from '../providers.ts';
import { runShiftctl } from '../shiftctl.ts';

const minute = 60_000;

/** The model in slot 0: weekday-two-shift, 05:40–22:00 on a weekday as one run at 2–4 units. */
export const lineModel = 'pcb-line-1';
/** The model in slot 1: weekend-night with a 30-minute lead, Friday 21:30 to Saturday 06:00 at 1 unit. */
export const nightModel = 'night-inspection';

/**
 * The INTERFACE.md example with both its models on `provider`: the same ids, schedules and lead
 * times, each naming a model of that service ({@link ProviderFixture.modelFields}).
 */
export const exampleOn = (provider: ProviderFixture): ShiftsConfig => {
  const entry = (id: string, slot: number, schedule: string, extra: readonly string[] = []) => [
    `  - id: ${id}`,
    ...Object.entries(provider.modelFields(slot)).map(
      ([key, value]) => `    ${key}: ${JSON.stringify(value)}`,
    ),
    `    schedule: ${schedule}`,
    ...extra,
  ];
  const models = [
    'models:',
    ...entry(lineModel, 0, 'weekday-two-shift'),
    ...entry(nightModel, 1, 'weekend-night', ['    leadMinutes: 30']),
    '',
  ].join('\n');
  const text = interfaceExampleText().replace(/^models:[\s\S]*$/m, models);
  return parseShiftsText(
    // A service without a maximum of units runs the early shift at its minimum alone.
    provider.takesMaxInferenceUnits ? text : text.replace(/^ *maxInferenceUnits: 4\n/m, ''),
    `${provider.id}-example.yml`,
  );
};

const accepted = (calls: readonly ServiceCall[]) => calls.filter((call) => call.outcome === 'accepted');
const refused = (calls: readonly ServiceCall[]) => calls.filter((call) => call.outcome === 'error');

/** One simulation on `local`'s emulators over [from, to). */
const simulateOn = (config: ShiftsConfig, local: LocalScheduler, from: Date, to: Date) =>
  simulate({
    config,
    deps: local.deps,
    emulator: local.emulator,
    ...(local.rekognition ? { rekognition: local.rekognition } : {}),
    ...(local.sagemaker ? { sagemaker: local.sagemaker } : {}),
    from,
    to,
  });

const measureOf = (result: Awaited<ReturnType<typeof simulate>>, model: string) => {
  const measure = result.models.find((candidate) => candidate.model === model);
  if (!measure) throw new Error(`no measure for ${model}`);
  return measure;
};

const hasIntentOnly = (run: RunRecord) =>
  run.model === lineModel &&
  run.starts.length > 0 &&
  run.starts.every((start) => start.acceptedAt === undefined);
const hasAcceptedStart = (run: RunRecord) =>
  run.model === lineModel && run.starts.some((start) => start.acceptedAt !== undefined);

/**
 * The scheduler's behaviour on one hosting service, through the real SDK client against its
 * emulator and DynamoDB Local: a weekday, an override, two invocations at once, crashes between
 * intent, call and record, and the service's faults. Call inside a test file; it defines the tests.
 */
export const schedulerScenarios = (provider: ProviderFixture): void => {
  const config = exampleOn(provider);
  /** The early shift's maximum of units, where the service takes one. */
  const earlyMax = provider.takesMaxInferenceUnits ? { maxInferenceUnits: 4 } : {};
  const earlyMaxUnits = provider.takesMaxInferenceUnits ? 4 : undefined;
  const opened: ScheduledTest[] = [];

  afterEach(async () => {
    for (const test of opened.splice(0)) await test.close();
  });

  const setUp = async (start: Date, settings: Partial<EmulatorSettings> = {}) => {
    const test = await startScheduledTest(
      `scenarios-${provider.id}`,
      config,
      start,
      provider.emulatorOptions({
        seed: 11,
        startLatency: { minMs: 5 * minute, maxMs: 12 * minute },
        stopLatency: 2 * minute,
        ...settings,
      }),
    );
    opened.push(test);
    return {
      ...test,
      line: provider.service(test.local, 0),
      night: provider.service(test.local, 1),
    };
  };

  describe('a weekday', () => {
    it('runs the model through the day with one start and one stop, billed from its start action', async () => {
      // Prepare
      const { local, line } = await setUp(berlinFriday('04:00'));
      // Act
      const result = await simulateOn(config, local, berlinFriday('04:00'), berlinFriday('23:00'));
      // Assess
      const measure = measureOf(result, lineModel);
      expect(measure).toMatchObject({ coverage: 1, lateWindows: [] });
      expect(measure.shiftMinutes).toBe(16 * 60);
      expect(result.acceptedStarts[lineModel]).toBe(1);
      expect(result.alerts).toEqual([]);
      expect(accepted(line.starts())).toHaveLength(1);
      expect(accepted(line.stops())).toHaveLength(1);
      expect(line.errors()).toEqual([]);
      const [run] = await local.deps.runs.list(lineModel);
      expect(run).toMatchObject({ outcome: 'completed', minInferenceUnits: 2, ...earlyMax });
      expect(run?.maxInferenceUnits).toBe(earlyMaxUnits);
      const billed = line.billed();
      expect(billed).toEqual([
        expect.objectContaining({ minInferenceUnits: 2, ...earlyMax, outcome: 'stopped' }),
      ]);
      expect(billed[0]?.startedAt).toEqual(fridayEarlyLead);
      expect(measure.billedOutsideUnitMinutes).toBe(0);
    });
  });

  describe('two invocations at once', () => {
    it('starts once and stops once when the same pass runs twice at the same time', async () => {
      // Prepare
      const scheduled = await setUp(fridayEarlyLead);
      const { local, line } = scheduled;
      const other = secondInvocation(scheduled);
      // Act: two invocations at the start instant, then two at the stop instant
      const [first, second] = await Promise.all([
        reconcile(local.deps, { at: fridayEarlyLead }),
        reconcile(other, { at: fridayEarlyLead }),
      ]);
      local.clock.set(fridayLateEnd);
      await Promise.all([
        reconcile(local.deps, { at: fridayLateEnd }),
        reconcile(other, { at: fridayLateEnd }),
      ]);
      // Assess
      const outcomes = [...first.outcomes, ...second.outcomes].filter(
        (outcome) => outcome.model === lineModel,
      );
      // One sends; the other loses the conditional write or sees the fresh intent, and waits.
      expect(outcomes.filter((outcome) => outcome.result === 'sent')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.action === 'wait')).toHaveLength(1);
      expect(accepted(line.starts())).toHaveLength(1);
      expect(accepted(line.stops())).toHaveLength(1);
      const [run] = await local.deps.runs.list(lineModel);
      expect(run?.starts).toHaveLength(1);
      expect(run?.stops).toHaveLength(1);
    });
  });

  describe('an override', () => {
    it('keeps the running model through the shift and an overtime override without a restart, handing the run over with the same units', async () => {
      // Prepare: the model runs into its early shift
      const { local, line } = await setUp(berlinFriday('05:00'));
      await simulateOn(config, local, berlinFriday('05:00'), berlinFriday('08:00'));
      // Act: the plant keeps the line on for an extra hour after the late shift
      await local.deps.configs.setOverride({
        model: lineModel,
        state: 'on',
        until: berlinFriday('23:00').toISOString(),
        reason: 'overtime',
        setAt: berlinFriday('08:00').toISOString(),
      });
      await simulateOn(config, local, berlinFriday('08:00'), berlinFriday('23:30'));
      // Assess
      expect(accepted(line.starts())).toHaveLength(1);
      expect(accepted(line.stops()).map((call) => call.at)).toEqual([berlinFriday('23:00')]);
      const runs = await local.deps.runs.list(lineModel);
      expect(
        runs.map((run) => [run.origin, run.outcome, run.minInferenceUnits, run.maxInferenceUnits]),
      ).toEqual([
        ['schedule', 'completed', 2, earlyMaxUnits],
        ['override', 'completed', 2, earlyMaxUnits],
      ]);
      expect(runs[0]?.note).toMatch(/handed over to .*~override without a restart/);
      expect(runs[0]?.billedUntil).toBe(runs[1]?.billedFrom);
    });
  });

  describe('a crashed invocation', () => {
    it('repairs a crash right after the intent was written: the next pass after the lease starts once', async () => {
      // Prepare: this invocation dies right after writing the start intent
      const { local, line } = await setUp(fridayEarlyLead);
      const crashing = { ...local.deps, runs: new CrashingRuns(local.deps.runs, 'after', hasIntentOnly) };
      // Act
      const crashed = await reconcile(crashing, { at: fridayEarlyLead });
      const written = (await local.deps.runs.list(lineModel))[0];
      local.clock.set(berlinFriday('05:41'));
      const tooSoon = await reconcile(local.deps, { at: berlinFriday('05:41') });
      local.clock.set(berlinFriday('05:45'));
      const repaired = await reconcile(local.deps, { at: berlinFriday('05:45') });
      // Assess
      expect(crashed.outcomes.find((o) => o.model === lineModel)).toMatchObject({
        result: 'failed',
        alert: true,
      });
      expect(written?.starts).toEqual([expect.objectContaining({ attempt: 1 })]);
      expect(written?.starts[0]?.acceptedAt).toBeUndefined();
      expect(tooSoon.outcomes.find((o) => o.model === lineModel)?.action).toBe('wait');
      expect(repaired.outcomes.find((o) => o.model === lineModel)).toMatchObject({
        action: 'start',
        result: 'sent',
      });
      const starts = accepted(line.starts());
      expect(starts.map((call) => call.at)).toEqual([berlinFriday('05:45')]);
      // Where the service takes client tokens, the repair sends the token of the written intent.
      if (provider.clientTokens)
        expect(starts.map((call) => call.clientToken)).toEqual([written?.starts[0]?.clientToken]);
      const [run] = await local.deps.runs.list(lineModel);
      expect(run?.starts).toEqual([
        expect.objectContaining({ attempt: 1, acceptedAt: berlinFriday('05:45').toISOString() }),
      ]);
    });

    it('repairs a crash between the call and its answer being recorded: no second start, billed from the intent', async () => {
      // Prepare: this invocation dies after the service accepted the start, before recording that
      const { local, line } = await setUp(fridayEarlyLead);
      const crashing = {
        ...local.deps,
        runs: new CrashingRuns(local.deps.runs, 'before', hasAcceptedStart),
      };
      // Act
      await reconcile(crashing, { at: fridayEarlyLead });
      const written = (await local.deps.runs.list(lineModel))[0];
      local.clock.set(berlinFriday('05:45'));
      const next = await reconcile(local.deps, { at: berlinFriday('05:45') });
      // Assess
      expect(written?.starts).toEqual([expect.objectContaining({ attempt: 1 })]);
      expect(written?.starts[0]?.acceptedAt).toBeUndefined();
      expect(written?.billedFrom).toBeUndefined();
      expect(next.outcomes.find((o) => o.model === lineModel)?.action).toBe('wait');
      expect(accepted(line.starts())).toHaveLength(1);
      expect(line.starts()).toHaveLength(1);
      const [run] = await local.deps.runs.list(lineModel);
      expect(run).toMatchObject({
        billedFrom: fridayEarlyLead.toISOString(),
        starts: [expect.objectContaining({ attempt: 1, acceptedAt: berlinFriday('05:45').toISOString() })],
      });
    });

    it('carries on after a crash once the accepted start was recorded: no second start, billed from the intent', async () => {
      // Prepare: this invocation dies right after recording that the service accepted the start
      const { local, line } = await setUp(fridayEarlyLead);
      const crashing = {
        ...local.deps,
        runs: new CrashingRuns(local.deps.runs, 'after', hasAcceptedStart),
      };
      // Act
      await reconcile(crashing, { at: fridayEarlyLead });
      local.clock.set(berlinFriday('05:45'));
      await reconcile(local.deps, { at: berlinFriday('05:45') });
      // Assess
      expect(accepted(line.starts())).toHaveLength(1);
      const [run] = await local.deps.runs.list(lineModel);
      expect(run).toMatchObject({
        billedFrom: fridayEarlyLead.toISOString(),
        starts: [expect.objectContaining({ attempt: 1 })],
      });
    });
  });

  describe("the service's faults", () => {
    it('absorbs 20 % throttling on every API: full coverage, one start per run, nothing paid outside the plan', async () => {
      // Prepare: the SDK's adaptive retries wait on the wall clock, so only the edges of the day are simulated
      const { local, line, night } = await setUp(berlinFriday('05:00'), { throttleProbability: 0.2 });
      const segments = [
        [berlinFriday('05:00'), berlinFriday('06:30')],
        [berlinFriday('21:00'), berlinFriday('22:30')],
        [berlinSaturday('05:45'), berlinSaturday('06:30')],
      ] as const;
      // Act
      const results = [];
      for (const [from, to] of segments) results.push(await simulateOn(config, local, from, to));
      // Assess
      expect(line.errorsOfType('ThrottlingException').length).toBeGreaterThan(10);
      const [morning, evening] = results;
      if (!morning || !evening) throw new Error('a segment was not simulated');
      expect(measureOf(morning, lineModel)).toMatchObject({ coverage: 1, lateWindows: [] });
      expect(measureOf(evening, nightModel)).toMatchObject({ coverage: 1, lateWindows: [] });
      expect(accepted(line.starts())).toHaveLength(1);
      expect(accepted(night.starts())).toHaveLength(1);
      const runs = [...(await local.deps.runs.list(lineModel)), ...(await local.deps.runs.list(nightModel))];
      expect(runs.map((run) => run.outcome)).toEqual(['completed', 'completed']);
      expect([...line.billed(), ...night.billed()].map((run) => run.endedAt)).toEqual([
        expect.any(Date),
        expect.any(Date),
      ]);
    }, 180_000);

    it('retries a failed hosting and still hosts the shift, with a complete runs history', async () => {
      // Prepare
      const { local, tables, line } = await setUp(berlinFriday('04:00'));
      line.failNextStarts(1);
      // Act
      const result = await simulateOn(config, local, berlinFriday('04:00'), berlinFriday('23:00'));
      // Assess
      const measure = measureOf(result, lineModel);
      expect(measure.coverage).toBeGreaterThan(0.95);
      expect(
        measure.lateWindows.every((window) => (window.minutesLate ?? Number.POSITIVE_INFINITY) <= 25),
      ).toBe(true);
      expect(result.acceptedStarts[lineModel]).toBe(2);
      expect(result.alerts).toEqual([]);
      const history = JSON.parse(
        (await runShiftctl(['runs', '--model', lineModel, '--json'], tables.names)).out,
      ) as { runs: Record<string, unknown>[] };
      expect(history.runs).toHaveLength(1);
      const [run] = history.runs;
      expect(run).toMatchObject({
        model: lineModel,
        outcome: 'completed',
        startAttempts: 2,
        minInferenceUnits: 2,
        ...earlyMax,
      });
      // A new token for each start and the stop; the service sees them where it takes tokens.
      const tokens = run?.clientTokens as string[];
      expect(new Set(tokens).size).toBe(3);
      if (provider.clientTokens)
        expect(accepted(line.starts()).map((call) => call.clientToken)).toEqual(tokens.slice(0, 2));
      for (const key of ['requestedStartAt', 'hostedAt', 'requestedStopAt', 'stoppedAt'])
        expect(run?.[key]).toEqual(expect.any(String));
      expect(run?.cost).toBeGreaterThan(0);
    });

    it('gives up loudly after three failed hostings and leaves the other model alone', async () => {
      // Prepare
      const { local, line } = await setUp(berlinFriday('04:00'));
      line.failNextStarts(10);
      // Act
      const result = await simulateOn(config, local, berlinFriday('04:00'), berlinSaturday('08:00'));
      // Assess
      expect(result.acceptedStarts[lineModel]).toBe(3);
      expect(result.alerts.filter((alert) => alert.model === lineModel)).toHaveLength(1);
      expect(result.alerts[0]?.reason).toMatch(/gave up: hosting failed after 3 starts/);
      const [run] = await local.deps.runs.list(lineModel);
      expect(run?.outcome).toBe('failed');
      expect(measureOf(result, nightModel).coverage).toBe(1);
    });

    it('fails the run of a model deleted from the service once, alerts, and keeps scheduling the others', async () => {
      // Prepare
      const { local, line, night } = await setUp(berlinFriday('04:00'));
      night.deleting();
      // Act
      const result = await simulateOn(config, local, berlinFriday('04:00'), berlinSaturday('08:00'));
      // Assess
      expect(accepted(night.starts())).toHaveLength(0);
      expect(refused(night.starts())).toHaveLength(0);
      expect(result.alerts.map((alert) => alert.model)).toEqual([nightModel]);
      const [run] = await local.deps.runs.list(nightModel);
      expect(run).toMatchObject({
        outcome: 'failed',
        errors: [expect.objectContaining({ code: 'ResourceNotFound' })],
      });
      expect(measureOf(result, lineModel).coverage).toBe(1);
      expect(accepted(line.starts())).toHaveLength(1);
    });

    it('does not retry a start refused for access, and alerts once', async () => {
      // Prepare
      const { local, line } = await setUp(berlinFriday('05:00'));
      line.denyStarts(100);
      // Act
      const result = await simulateOn(config, local, berlinFriday('05:00'), berlinFriday('08:00'));
      // Assess
      expect(refused(line.starts())).toHaveLength(1);
      expect(result.alerts).toEqual([
        expect.objectContaining({ model: lineModel, errorCode: 'AccessDenied' }),
      ]);
      const [run] = await local.deps.runs.list(lineModel);
      expect(run?.outcome).toBe('failed');
    });
  });
};

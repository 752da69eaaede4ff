/**
 * The scheduler driving a Rekognition Custom Labels model: DynamoDB Local and the Rekognition
 * emulator, through the real SDK client. Rekognition has no client tokens, so a duplicate start is
 * prevented only by the conditional writes and by observing the version before sending again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { reconcile } from '../../src/app/reconcile.ts';
import type { RunningRekognitionEmulator } from '../../src/emulator/rekognition-emulator.ts';
import type { RekognitionApiName } from '../../src/emulator/rekognition-engine.ts';
import { parseConfigText } from '../../src/schedule/index.ts';
import { simulate } from '../../src/simulation/simulate.ts';
import type { RunRecord } from '../../src/store/run-record.ts';
import { interfaceExampleText } from '../support/builders.ts';
import { CrashingRuns } from '../support/crashing-runs.ts';
import { type ScheduledTest, secondInvocation, startScheduledTest } from '../support/local-scheduler.ts';

// Friday 2027-03-26 in Berlin (+01:00): label-line-2 runs 05:40–22:00 (early + late, 20 min lead).
const friday = (time: string) => new Date(`2027-03-26T${time}:00+01:00`);
const minute = 60_000;
const model = 'label-line-2';
const projectArn = 'arn:aws:rekognition:eu-central-1:123456789012:project/label-line/1711000000000';
const versionName = 'label-line.2027-03-01';

/** The INTERFACE example's schedules, with one Rekognition model on `weekday-two-shift`. */
const config = parseConfigText(
  interfaceExampleText().replace(
    /^models:[\s\S]*$/m,
    [
      'models:',
      `  - id: ${model}`,
      '    provider: rekognition',
      `    projectArn: "${projectArn}"`,
      `    versionName: "${versionName}"`,
      '    schedule: weekday-two-shift',
      '',
    ].join('\n'),
  ),
  'rekognition-example.yml',
);

const opened: ScheduledTest[] = [];

afterEach(async () => {
  for (const test of opened.splice(0)) await test.close();
});

const setUp = async (start: Date) => {
  const test = await startScheduledTest('rekognition-scheduler', config, start, {
    rekognitionOptions: { seed: 7, startLatency: 10 * minute, stopLatency: 2 * minute },
  });
  opened.push(test);
  const { rekognition } = test.local;
  if (!rekognition) throw new Error('no Rekognition emulator was started');
  return { ...test, rekognition };
};

const accepted = (rekognition: RunningRekognitionEmulator, api: RekognitionApiName) =>
  rekognition.callLog().filter((call) => call.api === api && call.outcome === 'accepted');

const hasIntentOnly = (run: RunRecord) =>
  run.model === model && run.starts.length > 0 && run.starts.every((start) => start.acceptedAt === undefined);
const hasAcceptedStart = (run: RunRecord) =>
  run.model === model && run.starts.some((start) => start.acceptedAt !== undefined);

describe('the scheduler with a Rekognition Custom Labels model (DynamoDB Local + the emulator)', () => {
  it('runs the version through a weekday with one start and one stop', async () => {
    // Prepare
    const { local, rekognition } = await setUp(friday('04:00'));
    // Act
    const result = await simulate({
      config,
      deps: local.deps,
      emulator: local.emulator,
      rekognition,
      from: friday('04:00'),
      to: friday('23:00'),
    });
    // Assess
    const [measure] = result.models;
    expect(measure).toMatchObject({ model, coverage: 1, lateWindows: [] });
    expect(measure?.shiftMinutes).toBe(16 * 60);
    expect(result.acceptedStarts[model]).toBe(1);
    expect(result.alerts).toEqual([]);
    expect(accepted(rekognition, 'StartProjectVersion')).toHaveLength(1);
    expect(accepted(rekognition, 'StopProjectVersion')).toHaveLength(1);
    expect(rekognition.callLog().filter((call) => call.outcome === 'error')).toEqual([]);
    const [run] = await local.deps.runs.list(model);
    expect(run).toMatchObject({ outcome: 'completed', minInferenceUnits: 2, maxInferenceUnits: 4 });
    const ledger = rekognition.ledger().runs;
    expect(ledger).toEqual([
      expect.objectContaining({
        versionName,
        minInferenceUnits: 2,
        maxInferenceUnits: 4,
        outcome: 'stopped',
      }),
    ]);
    expect(ledger[0]?.startedAt).toEqual(friday('05:40'));
    expect(measure?.billedOutsideUnitMinutes).toBe(0);
  });

  it('starts once and stops once when the same pass runs twice at the same time', async () => {
    // Prepare
    const scheduled = await setUp(friday('05:40'));
    const { local, rekognition } = scheduled;
    const other = secondInvocation(scheduled);
    // Act: two invocations at the start instant, then two at the stop instant
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
    const outcomes = [...first.outcomes, ...second.outcomes].filter((outcome) => outcome.model === model);
    expect(outcomes.filter((outcome) => outcome.result === 'sent')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.action === 'wait')).toHaveLength(1);
    expect(accepted(rekognition, 'StartProjectVersion')).toHaveLength(1);
    expect(accepted(rekognition, 'StopProjectVersion')).toHaveLength(1);
    const [run] = await local.deps.runs.list(model);
    expect(run?.starts).toHaveLength(1);
    expect(run?.stops).toHaveLength(1);
  });

  it('repairs a crash right after the intent was written: the next pass after the lease starts once', async () => {
    // Prepare: this invocation dies right after writing the start intent
    const { local, rekognition } = await setUp(friday('05:40'));
    const crashing = { ...local.deps, runs: new CrashingRuns(local.deps.runs, 'after', hasIntentOnly) };
    // Act
    const crashed = await reconcile(crashing, { at: friday('05:40') });
    const written = (await local.deps.runs.list(model))[0];
    local.clock.set(friday('05:41'));
    const tooSoon = await reconcile(local.deps, { at: friday('05:41') });
    local.clock.set(friday('05:45'));
    const repaired = await reconcile(local.deps, { at: friday('05:45') });
    // Assess
    expect(crashed.outcomes.find((o) => o.model === model)).toMatchObject({ result: 'failed', alert: true });
    expect(written?.starts).toEqual([expect.objectContaining({ attempt: 1 })]);
    expect(written?.starts[0]?.acceptedAt).toBeUndefined();
    expect(accepted(rekognition, 'StartProjectVersion').length).toBe(1);
    expect(accepted(rekognition, 'StartProjectVersion')[0]?.at).toEqual(friday('05:45'));
    expect(tooSoon.outcomes.find((o) => o.model === model)?.action).toBe('wait');
    expect(repaired.outcomes.find((o) => o.model === model)).toMatchObject({
      action: 'start',
      result: 'sent',
    });
    const [run] = await local.deps.runs.list(model);
    expect(run?.starts.at(-1)).toMatchObject({ acceptedAt: friday('05:45').toISOString() });
    expect(run?.starts.filter((start) => start.acceptedAt !== undefined)).toHaveLength(1);
  });

  it('repairs a crash between the call and its answer being recorded: no second start, billed from the intent', async () => {
    // Prepare: this invocation dies after the service accepted the start, before recording that
    const { local, rekognition } = await setUp(friday('05:40'));
    const crashing = { ...local.deps, runs: new CrashingRuns(local.deps.runs, 'before', hasAcceptedStart) };
    // Act
    await reconcile(crashing, { at: friday('05:40') });
    const written = (await local.deps.runs.list(model))[0];
    local.clock.set(friday('05:45'));
    const next = await reconcile(local.deps, { at: friday('05:45') });
    // Assess
    expect(written?.starts).toEqual([expect.objectContaining({ attempt: 1 })]);
    expect(written?.starts[0]?.acceptedAt).toBeUndefined();
    expect(written?.billedFrom).toBeUndefined();
    expect(rekognition.model({ projectName: 'label-line', versionName }).status).toBe('STARTING');
    expect(next.outcomes.find((o) => o.model === model)?.action).toBe('wait');
    expect(accepted(rekognition, 'StartProjectVersion')).toHaveLength(1);
    expect(rekognition.callLog().filter((call) => call.api === 'StartProjectVersion')).toHaveLength(1);
    const [run] = await local.deps.runs.list(model);
    expect(run).toMatchObject({
      billedFrom: friday('05:40').toISOString(),
      starts: [expect.objectContaining({ attempt: 1, acceptedAt: friday('05:45').toISOString() })],
    });
  });

  it('waits for a version still being copied, then starts the finished copy within the lead', async () => {
    // Prepare: the version is copied in from another account shortly before the shift
    const { local, rekognition } = await setUp(friday('05:30'));
    const copy = { projectName: 'label-line', projectArn, versionName };
    rekognition.seedModel({ ...copy, status: 'COPYING_IN_PROGRESS' });
    // Act
    local.clock.set(friday('05:40'));
    const copying = await reconcile(local.deps, { at: friday('05:40') });
    local.clock.set(friday('05:45'));
    rekognition.seedModel({ ...copy, status: 'COPYING_COMPLETED' });
    const copied = await reconcile(local.deps, { at: friday('05:45') });
    // Assess
    expect(copying.outcomes).toEqual([
      expect.objectContaining({
        observed: 'updating',
        action: 'wait',
        reason: expect.stringContaining('copied'),
      }),
    ]);
    expect(copying.outcomes[0]?.alert).toBeUndefined();
    expect(copied.outcomes).toEqual([expect.objectContaining({ action: 'start', result: 'sent' })]);
    expect(accepted(rekognition, 'StartProjectVersion')).toHaveLength(1);
    expect(rekognition.model(copy)).toMatchObject({ status: 'STARTING', minInferenceUnits: 2 });
  });
});

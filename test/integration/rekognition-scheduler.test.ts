/**
 * What only Rekognition Custom Labels asks of the scheduler: DynamoDB Local and the Rekognition
 * emulator, through the real SDK client. Rekognition has no client tokens, so a duplicate start is
 * prevented only by the conditional writes and by observing the version before sending again; the
 * scenarios every provider shares (test/support/scenarios/scheduler.ts) prove that for it too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { reconcile } from '../../src/app/reconcile.ts';
import { berlinFriday } from '../support/instants.ts';
import { type ScheduledTest, startScheduledTest } from '../support/local-scheduler.ts';
import { rekognition, rekognitionVersion } from '../support/providers.ts';
import { exampleOn, lineModel } from '../support/scenarios/scheduler.ts';

const minute = 60_000;
const config = exampleOn(rekognition);
const opened: ScheduledTest[] = [];

afterEach(async () => {
  for (const test of opened.splice(0)) await test.close();
});

const setUp = async (start: Date) => {
  const test = await startScheduledTest(
    'rekognition-scheduler',
    config,
    start,
    rekognition.emulatorOptions({ seed: 7, startLatency: 10 * minute, stopLatency: 2 * minute }),
  );
  opened.push(test);
  const emulator = test.local.rekognition;
  if (!emulator) throw new Error('no Rekognition emulator was started');
  return { ...test, emulator };
};

describe('the scheduler with a Rekognition Custom Labels model (DynamoDB Local + the emulator)', () => {
  it('waits for a version still being copied, then starts the finished copy within the lead', async () => {
    // Prepare: the version is copied in from another account shortly before the shift
    const { local, emulator } = await setUp(berlinFriday('05:30'));
    const copy = rekognitionVersion(0);
    emulator.seedModel({ ...copy, status: 'COPYING_IN_PROGRESS' });
    // Act
    local.clock.set(berlinFriday('05:40'));
    const copying = await reconcile(local.deps, { at: berlinFriday('05:40') });
    local.clock.set(berlinFriday('05:45'));
    emulator.seedModel({ ...copy, status: 'COPYING_COMPLETED' });
    const copied = await reconcile(local.deps, { at: berlinFriday('05:45') });
    // Assess
    const outcomeOf = (pass: typeof copying) =>
      pass.outcomes.filter((outcome) => outcome.model === lineModel);
    expect(outcomeOf(copying)).toEqual([
      expect.objectContaining({
        observed: 'updating',
        action: 'wait',
        reason: expect.stringContaining('copied'),
      }),
    ]);
    expect(outcomeOf(copying)[0]?.alert).toBeUndefined();
    expect(outcomeOf(copied)).toEqual([expect.objectContaining({ action: 'start', result: 'sent' })]);
    expect(
      emulator.callLog().filter((call) => call.api === 'StartProjectVersion' && call.outcome === 'accepted'),
    ).toHaveLength(1);
    expect(emulator.model(copy)).toMatchObject({ status: 'STARTING', minInferenceUnits: 2 });
  });
});

/**
 * Rekognition specifics of the RekognitionModelHost, through the real SDK client against the local
 * emulator (the ModelHost contract itself runs for every registered provider in model-host.test.ts).
 */
import {
  DescribeProjectVersionsCommand,
  InvalidParameterException,
  LimitExceededException,
  ProjectVersionStatus,
  ResourceInUseException,
  ThrottlingException,
} from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObservedState } from '../../src/hosting/model-host.ts';
import { refKey } from '../../src/providers/registry.ts';
import { projectNameOfArn } from '../../src/providers/rekognition/emulator/index.ts';
import { RekognitionModelHost } from '../../src/providers/rekognition/host.ts';
import { observedStateOfRekognitionStatus } from '../../src/providers/rekognition/statuses.ts';
import {
  addressOf,
  freshClient,
  hour,
  type RekognitionHarness,
  startRekognitionHarness,
} from './hosts/rekognition.ts';

let harness: RekognitionHarness;
let emulator: RekognitionHarness['emulator'];
let clock: RekognitionHarness['clock'];
const seed: RekognitionHarness['seed'] = (...args) => harness.seed(...args);

beforeAll(async () => {
  harness = await startRekognitionHarness();
  ({ emulator, clock } = harness);
});

afterAll(async () => {
  await harness.close();
});

describe('RekognitionModelHost on the emulator: Rekognition specifics', () => {
  it('observes versions with one DescribeProjectVersions per project and at most 10 version names', async () => {
    // Prepare
    emulator.reset();
    const lines = Array.from({ length: 12 }, (_, index) => seed('lines', `v${index + 1}`).ref);
    const welds = seed('welds', 'v1').ref;
    const host = new RekognitionModelHost(freshClient());

    // Act
    const observations = await host.observeMany([...lines, welds]);

    // Assess: 10 names at 2 per page is 5 pages, the other 2 names one page, the other project one.
    expect(
      [...observations.values()].every((result) => 'state' in result && result.state === 'stopped'),
    ).toBe(true);
    const calls = emulator.callLog().map((call) => projectNameOfArn(call.projectArn ?? ''));
    expect(calls).toEqual([...Array(6).fill('lines'), 'welds']);
  });

  it('learns the version ARN once and reuses it for start and stop', async () => {
    // Prepare
    emulator.reset();
    const { ref, version } = seed('lines', 'v1');
    const host = new RekognitionModelHost(freshClient());

    // Act
    await host.start(ref, { minInferenceUnits: 2, clientToken: 'ignored' });
    clock.advance(hour);
    await host.stop(ref, { clientToken: 'ignored' });

    // Assess
    expect(emulator.callLog().map((call) => [call.api, call.projectVersionArn])).toEqual([
      ['DescribeProjectVersions', undefined],
      ['StartProjectVersion', version.projectVersionArn],
      ['StopProjectVersion', version.projectVersionArn],
    ]);
  });

  it('finds the new ARN of a version that was trained again under the same name', async () => {
    // Prepare
    emulator.reset();
    const { ref } = seed('lines', 'v1');
    const host = new RekognitionModelHost(freshClient());
    await host.observe(ref);
    clock.advance(1_000);
    const retrained = seed('lines', 'v1').version;

    // Act: the cached ARN is gone from the service; the next start asks again.
    const stale = await host.start(ref, { minInferenceUnits: 1, clientToken: 'x' }).catch((error) => error);
    const fresh = await host.start(ref, { minInferenceUnits: 1, clientToken: 'x' });

    // Assess
    expect(stale).toMatchObject({ code: 'ResourceNotFound' });
    expect(fresh.state).toBe('starting');
    expect(emulator.model(addressOf(ref))).toMatchObject({
      projectVersionArn: retrained.projectVersionArn,
      status: 'STARTING',
    });
  });

  it('treats LimitExceeded as a quota: ServiceQuotaExceeded, not retryable', async () => {
    // Prepare
    emulator.reset();
    const { ref } = seed('lines', 'v1');
    emulator.injectError({ api: 'StartProjectVersion', error: 'LimitExceededException', times: 5 });
    const host = new RekognitionModelHost(freshClient());

    // Act
    const error = await host.start(ref, { minInferenceUnits: 1, clientToken: 'x' }).catch((caught) => caught);

    // Assess
    expect(error).toMatchObject({ code: 'ServiceQuotaExceeded', retryable: false });
    expect(error.cause).toBeInstanceOf(LimitExceededException);
  });

  it('hands the SDK typed exceptions: ResourceInUse, InvalidParameter and Throttling after its retries', async () => {
    // Prepare
    emulator.reset();
    const { ref, version } = seed('lines', 'v1', 'RUNNING');
    const client = freshClient();
    const host = new RekognitionModelHost(client);
    emulator.injectError({ api: 'DescribeProjectVersions', error: 'ThrottlingException', times: 3 });

    // Act
    const throttled = await host.observe(ref).catch((caught) => caught);
    const inUse = await host.start(ref, { minInferenceUnits: 1, clientToken: 'x' }).catch((caught) => caught);
    const tooMany = await client
      .send(
        new DescribeProjectVersionsCommand({
          ProjectArn: version.projectArn,
          VersionNames: Array.from({ length: 11 }, (_, index) => `v${index}`),
        }),
      )
      .catch((caught) => caught);

    // Assess: the default of 3 attempts, all throttled.
    expect(throttled.cause).toBeInstanceOf(ThrottlingException);
    expect(throttled.cause).toMatchObject({ $metadata: { attempts: 3 } });
    expect(inUse.cause).toBeInstanceOf(ResourceInUseException);
    expect(inUse.cause).toMatchObject({ $metadata: { httpStatusCode: 400 } });
    expect(tooMany).toBeInstanceOf(InvalidParameterException);
  });

  it('bills the minimum units from the accepted start to the completed stop', async () => {
    // Prepare
    emulator.reset();
    const { ref } = seed('lines', 'v1');
    const host = new RekognitionModelHost(freshClient());

    // Act
    await host.start(ref, { minInferenceUnits: 2, maxInferenceUnits: 3, clientToken: 'x' });
    clock.advance(hour);
    await host.stop(ref, { clientToken: 'x' });
    clock.advance(hour);

    // Assess: 2 units for the hour plus the 2 minutes the stop takes.
    expect(emulator.ledger()).toMatchObject({
      totalUnitMinutes: 2 * 62,
      runs: [{ outcome: 'stopped', minInferenceUnits: 2, maxInferenceUnits: 3 }],
    });
  });
});

/**
 * What the scheduler may do with a version in each status of the service model: the observed state
 * it decides on, and whether the service takes a start. Typed by the SDK's own enum, so a status the
 * SDK adds is a type error here until it has a meaning.
 */
const meaningOf: Readonly<Record<ProjectVersionStatus, { state: ObservedState; startable: boolean }>> = {
  TRAINING_IN_PROGRESS: { state: 'updating', startable: false },
  TRAINING_COMPLETED: { state: 'stopped', startable: true },
  TRAINING_FAILED: { state: 'missing', startable: false },
  STARTING: { state: 'starting', startable: false },
  RUNNING: { state: 'hosted', startable: false },
  FAILED: { state: 'failed', startable: true },
  STOPPING: { state: 'stopping', startable: false },
  STOPPED: { state: 'stopped', startable: true },
  DELETING: { state: 'missing', startable: false },
  COPYING_IN_PROGRESS: { state: 'updating', startable: false },
  COPYING_COMPLETED: { state: 'stopped', startable: true },
  COPYING_FAILED: { state: 'missing', startable: false },
  DEPRECATED: { state: 'missing', startable: false },
  EXPIRED: { state: 'missing', startable: false },
};

describe('RekognitionModelHost on the emulator: every status of the service model', () => {
  it('gives every status of the SDK a meaning', () => {
    expect(Object.keys(meaningOf).sort()).toEqual(Object.values(ProjectVersionStatus).sort());
  });

  it.each(Object.values(ProjectVersionStatus))('observes %s as the scheduler means it', async (status) => {
    // Prepare
    emulator.reset();
    const { ref } = seed('lines', 'v1', status);
    const host = new RekognitionModelHost(freshClient());
    const { state, startable } = meaningOf[status];

    // Act
    const one = await host.observe(ref);
    const many = (await host.observeMany([ref])).get(refKey(ref));
    const started = await host.start(ref, { minInferenceUnits: 1, clientToken: 'x' }).catch((error) => error);

    // Assess: the raw status stays visible, with a message saying what it means
    expect(one).toMatchObject({ state, rawStatus: status, message: expect.any(String) });
    expect(many).toEqual(one);
    if (startable) expect(started).toMatchObject({ state: 'starting' });
    else expect(started).toMatchObject({ name: 'HostingError', code: 'Conflict' });
  });

  it('treats a status it does not know as missing, so the scheduler does not act on it', () => {
    expect(observedStateOfRekognitionStatus('SOMETHING_NEW')).toBe('missing');
    expect(observedStateOfRekognitionStatus('toString')).toBe('missing');
    expect(observedStateOfRekognitionStatus(undefined)).toBe('missing');
  });

  it.each(['TRAINING_IN_PROGRESS', 'COPYING_IN_PROGRESS'] as const)(
    'says of a version in %s that it can be started once that is done',
    async (status) => {
      // Prepare
      emulator.reset();
      const { ref } = seed('lines', 'v1', status);

      // Act
      const observation = await new RekognitionModelHost(freshClient()).observe(ref);

      // Assess
      expect(observation.message).toMatch(/started once/);
    },
  );

  it.each(['TRAINING_FAILED', 'DELETING', 'COPYING_FAILED', 'DEPRECATED', 'EXPIRED'] as const)(
    'says of a version in %s that it can never be started',
    async (status) => {
      // Prepare
      emulator.reset();
      const { ref } = seed('lines', 'v1', status);

      // Act
      const observation = await new RekognitionModelHost(freshClient()).observe(ref);

      // Assess
      expect(observation.message).toMatch(/can(not| no longer) be started/);
    },
  );
});

/**
 * The ModelHost contract for Rekognition Custom Labels, run through the real SDK client against the
 * local emulator. The client finds the emulator only through AWS_ENDPOINT_URL_REKOGNITION, as the
 * scheduler will in every local run.
 */
import {
  DescribeProjectVersionsCommand,
  InvalidParameterException,
  LimitExceededException,
  ProjectVersionStatus,
  type RekognitionClient,
  ResourceInUseException,
  ThrottlingException,
} from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../../src/emulator/clock.ts';
import type { HostingErrorCode, ModelRef, ObservedState } from '../../src/hosting/model-host.ts';
import { refKey } from '../../src/providers/registry.ts';
import { createRekognitionClient } from '../../src/providers/rekognition/client.ts';
import {
  projectNameOfArn,
  type RekognitionApiName,
  type RekognitionErrorType,
  type RunningRekognitionEmulator,
  startRekognitionEmulator,
  type VersionAddress,
} from '../../src/providers/rekognition/emulator/index.ts';
import { RekognitionModelHost } from '../../src/providers/rekognition/host.ts';
import { isRekognitionRef } from '../../src/providers/rekognition/schema.ts';
import { observedStateOfRekognitionStatus } from '../../src/providers/rekognition/statuses.ts';
import { describeModelHostContract, type HostOperation } from './model-host.contract.ts';

const hour = 60 * 60 * 1000;
const apiOf: Readonly<Record<HostOperation, RekognitionApiName>> = {
  observe: 'DescribeProjectVersions',
  observeMany: 'DescribeProjectVersions',
  start: 'StartProjectVersion',
  stop: 'StopProjectVersion',
};
const exceptionOf: Partial<Record<HostingErrorCode, RekognitionErrorType>> = {
  Throttling: 'ThrottlingException',
  Conflict: 'ResourceInUseException',
  ResourceNotFound: 'ResourceNotFoundException',
  Validation: 'InvalidParameterException',
  AccessDenied: 'AccessDeniedException',
  InternalServer: 'InternalServerError',
  ServiceQuotaExceeded: 'LimitExceededException',
};

let emulator: RunningRekognitionEmulator;
let clock: VirtualClock;

beforeAll(async () => {
  clock = new VirtualClock('2027-03-26T04:00:00Z');
  // Two versions per page, so observing a handful of versions already pages.
  emulator = await startRekognitionEmulator({
    clock,
    defaultPageSize: 2,
    requestsPerSecond: Number.POSITIVE_INFINITY,
  });
  vi.stubEnv('AWS_ENDPOINT_URL_REKOGNITION', emulator.url);
  vi.stubEnv('AWS_REGION', 'eu-central-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'emulator');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'emulator');
  vi.stubEnv('AWS_SESSION_TOKEN', '');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await emulator.close();
});

/** A fresh client per test: the adaptive retry mode keeps per-client rate state. */
const freshClient = (): RekognitionClient => createRekognitionClient();

/** Seeds a version and returns the ref the scheduler would hold for it. */
const seed = (projectName: string, versionName: string, status?: ProjectVersionStatus) => {
  const version = emulator.seedModel({ projectName, versionName, ...(status ? { status } : {}) });
  const ref: ModelRef = { provider: 'rekognition', projectArn: version.projectArn, versionName };
  return { ref, version };
};

const addressOf = (ref: ModelRef): VersionAddress => {
  const projectName = isRekognitionRef(ref) ? projectNameOfArn(ref.projectArn) : undefined;
  if (!isRekognitionRef(ref) || projectName === undefined) throw new Error('not a Rekognition ref');
  return { projectName, versionName: ref.versionName };
};

let modelCounter = 0;

describeModelHostContract('RekognitionModelHost on the emulator', async () => {
  emulator.reset();
  emulator.setQuota(Number.POSITIVE_INFINITY);
  emulator.setResponseDelay(0);
  const client = freshClient();
  return {
    host: new RekognitionModelHost(client),
    createStoppedModel: async () => {
      modelCounter += 1;
      return seed('contract', `v${modelCounter}`).ref;
    },
    createStoppedModels: async (count) => {
      modelCounter += 1;
      return Array.from({ length: count }, (_, index) => seed(`many-${modelCounter}`, `v${index + 1}`).ref);
    },
    unknownVersion: async () => {
      const { ref } = seed('contract-known', 'v1');
      return { ...ref, versionName: 'v99' };
    },
    unknownProject: () => ({
      provider: 'rekognition',
      projectArn: 'arn:aws:rekognition:us-east-1:123456789012:project/no-such-project/1',
      versionName: 'v1',
    }),
    completeTransitions: async () => clock.advance(hour),
    failNextStart: async (ref) => emulator.failNextStarts(addressOf(ref), 1),
    acceptedStarts: async (ref) => {
      const arn = emulator.model(addressOf(ref)).projectVersionArn;
      return emulator
        .callLog()
        .filter(
          (call) =>
            call.api === 'StartProjectVersion' &&
            call.outcome === 'accepted' &&
            call.projectVersionArn === arn,
        ).length;
    },
    throttledRequests: async () =>
      emulator.callLog().filter((call) => call.errorType === 'ThrottlingException').length,
    injectFault: async (operation, code, times) => {
      const error = exceptionOf[code];
      if (!error) throw new Error(`the emulator has no exception for ${code}`);
      emulator.injectError({ api: apiOf[operation], error, times });
    },
    setQuota: async (requestsPerSecond) => emulator.setQuota(requestsPerSecond),
    delayResponses: async (ms) => emulator.setResponseDelay(ms),
    teardown: async () => {
      client.destroy();
    },
  };
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

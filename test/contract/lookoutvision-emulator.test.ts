/**
 * The ModelHost contract for Lookout for Vision, run through the real SDK client against the local
 * emulator. The client finds the emulator only through AWS_ENDPOINT_URL_LOOKOUTVISION, as the
 * scheduler will in every local run.
 */
import {
  ConflictException,
  DetectAnomaliesCommand,
  type LookoutVisionClient,
  ThrottlingException,
} from '@aws-sdk/client-lookoutvision';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../../src/emulator/clock.ts';
import type { HostingErrorCode, ModelRef } from '../../src/hosting/model-host.ts';
import { createLookoutVisionClient } from '../../src/providers/lookoutvision/client.ts';
import {
  type LookoutVisionApiName,
  type LookoutVisionErrorType,
  type RunningLookoutVisionEmulator,
  startLookoutVisionEmulator,
} from '../../src/providers/lookoutvision/emulator/index.ts';
import { LookoutVisionModelHost } from '../../src/providers/lookoutvision/host.ts';
import { isLookoutVisionRef } from '../../src/providers/lookoutvision/schema.ts';
import { describeModelHostContract, type HostOperation } from './model-host.contract.ts';

const hour = 60 * 60 * 1000;
const apiOf: Readonly<Record<HostOperation, LookoutVisionApiName>> = {
  observe: 'DescribeModel',
  observeMany: 'ListModels',
  start: 'StartModel',
  stop: 'StopModel',
};
const exceptionOf: Partial<Record<HostingErrorCode, LookoutVisionErrorType>> = {
  Throttling: 'ThrottlingException',
  Conflict: 'ConflictException',
  ResourceNotFound: 'ResourceNotFoundException',
  Validation: 'ValidationException',
  AccessDenied: 'AccessDeniedException',
  InternalServer: 'InternalServerException',
  ServiceQuotaExceeded: 'ServiceQuotaExceededException',
};

let emulator: RunningLookoutVisionEmulator;
let clock: VirtualClock;

beforeAll(async () => {
  clock = new VirtualClock('2027-03-26T04:00:00Z');
  // Two models per ListModels page, so observing a handful of versions already pages.
  emulator = await startLookoutVisionEmulator({
    clock,
    defaultPageSize: 2,
    requestsPerSecond: Number.POSITIVE_INFINITY,
  });
  vi.stubEnv('AWS_ENDPOINT_URL_LOOKOUTVISION', emulator.url);
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
const freshClient = (): LookoutVisionClient => createLookoutVisionClient();

const lookoutRef = (projectName: string, modelVersion: string): ModelRef => ({
  provider: 'lookoutvision',
  projectName,
  modelVersion,
});

const addressOf = (ref: ModelRef) => {
  if (!isLookoutVisionRef(ref)) throw new Error('not a Lookout for Vision ref');
  return { projectName: ref.projectName, modelVersion: ref.modelVersion };
};

let modelCounter = 0;

describeModelHostContract('LookoutVisionModelHost on the emulator', async () => {
  emulator.reset();
  emulator.setQuota(Number.POSITIVE_INFINITY);
  emulator.setResponseDelay(0);
  const client = freshClient();
  return {
    host: new LookoutVisionModelHost(client),
    createStoppedModel: async () => {
      modelCounter += 1;
      emulator.seedModel({ projectName: 'contract', modelVersion: String(modelCounter) });
      return lookoutRef('contract', String(modelCounter));
    },
    createStoppedModels: async (count) => {
      modelCounter += 1;
      const projectName = `many-${modelCounter}`;
      return Array.from({ length: count }, (_, index) => {
        emulator.seedModel({ projectName, modelVersion: String(index + 1) });
        return lookoutRef(projectName, String(index + 1));
      });
    },
    unknownVersion: async () => {
      emulator.seedModel({ projectName: 'contract-known', modelVersion: '1' });
      return lookoutRef('contract-known', '99');
    },
    unknownProject: () => lookoutRef('no-such-project', '1'),
    completeTransitions: async () => clock.advance(hour),
    failNextStart: async (ref) => emulator.failNextStarts(addressOf(ref), 1),
    beginSystemUpdate: async (ref) => {
      emulator.beginSystemUpdate(addressOf(ref), 30 * 60 * 1000);
    },
    acceptedStarts: async (ref) =>
      emulator
        .callLog()
        .filter(
          (call) =>
            call.api === 'StartModel' &&
            call.outcome === 'accepted' &&
            call.projectName === addressOf(ref).projectName &&
            call.modelVersion === addressOf(ref).modelVersion,
        ).length,
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

describe('LookoutVisionModelHost on the emulator: Lookout for Vision specifics', () => {
  it('observes all versions of a project with one paginated ListModels per project', async () => {
    // Prepare
    emulator.reset();
    for (const version of ['1', '2', '3', '4', '5'])
      emulator.seedModel({ projectName: 'lines', modelVersion: version });
    emulator.seedModel({ projectName: 'welds', modelVersion: '1' });
    const host = new LookoutVisionModelHost(freshClient());
    const refs = [
      ...['1', '2', '3', '4', '5'].map((version) => lookoutRef('lines', version)),
      lookoutRef('welds', '1'),
    ];

    // Act
    const observations = await host.observeMany(refs);

    // Assess: 5 versions at 2 per page is 3 pages; the other project one call.
    expect(observations.size).toBe(6);
    const calls = emulator.callLog();
    expect(calls.map((call) => [call.api, call.projectName])).toEqual([
      ['ListModels', 'lines'],
      ['ListModels', 'lines'],
      ['ListModels', 'lines'],
      ['ListModels', 'welds'],
    ]);
  });

  it('resolves the version "latest" to the highest version when observing many', async () => {
    // Prepare
    emulator.reset();
    emulator.seedModel({ projectName: 'lines', modelVersion: '1' });
    emulator.seedModel({ projectName: 'lines', modelVersion: '2', status: 'HOSTED' });
    const host = new LookoutVisionModelHost(freshClient());
    const latest = lookoutRef('lines', 'latest');

    // Act
    const [many, one] = [await host.observeMany([latest]), await host.observe(latest)];

    // Assess
    expect(many.get('lookoutvision:lines/latest')).toMatchObject({ state: 'hosted' });
    expect(one).toMatchObject({ state: 'hosted' });
  });

  it('maps training, failed training and deleting to missing with a message saying why', async () => {
    // Prepare
    emulator.reset();
    emulator.seedModel({ projectName: 'lines', modelVersion: '1', status: 'TRAINING' });
    emulator.seedModel({ projectName: 'lines', modelVersion: '2', status: 'TRAINING_FAILED' });
    emulator.seedModel({ projectName: 'lines', modelVersion: '3', status: 'DELETING' });
    const host = new LookoutVisionModelHost(freshClient());

    // Act
    const observations = await Promise.all(
      ['1', '2', '3'].map((version) => host.observe(lookoutRef('lines', version))),
    );

    // Assess
    expect(observations.map((observation) => [observation.state, observation.rawStatus])).toEqual([
      ['missing', 'TRAINING'],
      ['missing', 'TRAINING_FAILED'],
      ['missing', 'DELETING'],
    ]);
    expect(observations.every((observation) => (observation.message ?? '').length > 0)).toBe(true);
  });

  it('hands the SDK a ConflictException carrying ResourceId and ResourceType', async () => {
    // Prepare
    emulator.reset();
    emulator.seedModel({ projectName: 'lines', modelVersion: '1', status: 'HOSTED' });
    const host = new LookoutVisionModelHost(freshClient());

    // Act
    const error = await host
      .start(lookoutRef('lines', '1'), { minInferenceUnits: 1, clientToken: 'x1' })
      .catch((caught: unknown) => caught);

    // Assess
    const cause = (error as { cause?: unknown }).cause;
    expect(cause).toBeInstanceOf(ConflictException);
    expect(cause).toMatchObject({
      ResourceType: 'MODEL',
      ResourceId: 'arn:aws:lookoutvision:us-east-1:123456789012:model/lines/1',
      $metadata: { httpStatusCode: 409 },
    });
  });

  it('hands the SDK a ThrottlingException with the quota codes after its retries', async () => {
    // Prepare
    emulator.reset();
    emulator.seedModel({ projectName: 'lines', modelVersion: '1' });
    emulator.injectError({ api: 'DescribeModel', error: 'ThrottlingException', times: 3 });
    const host = new LookoutVisionModelHost(freshClient());

    // Act
    const error = await host.observe(lookoutRef('lines', '1')).catch((caught: unknown) => caught);

    // Assess: the default of 3 attempts, all throttled.
    expect((error as { cause?: unknown }).cause).toBeInstanceOf(ThrottlingException);
    expect((error as { cause: ThrottlingException }).cause).toMatchObject({
      ServiceCode: 'lookoutvision',
      $metadata: { attempts: 3 },
    });
    expect(emulator.callLog().filter((call) => call.httpStatus === 429)).toHaveLength(3);
  });

  it('detects anomalies through the SDK only while the model is hosted', async () => {
    // Prepare
    emulator.reset();
    emulator.seedModel({ projectName: 'lines', modelVersion: '1' });
    const client = freshClient();
    const host = new LookoutVisionModelHost(client);
    const detect = () =>
      client.send(
        new DetectAnomaliesCommand({
          ProjectName: 'lines',
          ModelVersion: '1',
          ContentType: 'image/png',
          Body: new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
        }),
      );

    // Act
    const beforeStart = await detect().catch((caught: unknown) => caught);
    await host.start(lookoutRef('lines', '1'), { minInferenceUnits: 1, clientToken: 'detect-1' });
    clock.advance(hour);
    const hosted = await detect();

    // Assess
    expect(beforeStart).toBeInstanceOf(ConflictException);
    expect(hosted.DetectAnomalyResult).toMatchObject({
      IsAnomalous: expect.any(Boolean),
      Source: { Type: 'direct' },
    });
  });

  it('serves the admin interface apart from the AWS paths', async () => {
    // Prepare
    emulator.reset();
    const admin = (path: string, body?: unknown) =>
      fetch(`${emulator.url}/__emulator/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    // Act
    const seeded = await admin('models', { models: [{ projectName: 'lines', modelVersion: '1' }] });
    const started = await new LookoutVisionModelHost(freshClient()).start(lookoutRef('lines', '1'), {
      minInferenceUnits: 2,
      clientToken: 'admin-1',
    });
    const advanced = await admin('clock', { advanceMs: hour });
    const ledger = (await (await admin('ledger')).json()) as { totalUnitMinutes: number };
    const calls = (await (await admin('calls')).json()) as { calls: unknown[] };
    const invalid = await admin('models', { projectName: 'lines' });

    // Assess: admin requests are not in the call log; the ledger bills 2 units for the hour.
    expect(seeded.status).toBe(200);
    expect(started.state).toBe('starting');
    expect(advanced.status).toBe(200);
    expect(ledger.totalUnitMinutes).toBe(120);
    expect(calls.calls).toHaveLength(1);
    expect(invalid.status).toBe(400);
  });
});

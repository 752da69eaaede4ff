/**
 * Lookout for Vision specifics of the LookoutVisionModelHost, through the real SDK client against the
 * local emulator (the ModelHost contract itself runs for every registered provider in
 * model-host.test.ts).
 */
import {
  ConflictException,
  DetectAnomaliesCommand,
  ThrottlingException,
} from '@aws-sdk/client-lookoutvision';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LookoutVisionModelHost } from '../../src/providers/lookoutvision/host.ts';
import {
  freshClient,
  hour,
  type LookoutVisionHarness,
  lookoutRef,
  startLookoutVisionHarness,
} from './hosts/lookoutvision.ts';

let harness: LookoutVisionHarness;
let emulator: LookoutVisionHarness['emulator'];
let clock: LookoutVisionHarness['clock'];

beforeAll(async () => {
  harness = await startLookoutVisionHarness();
  ({ emulator, clock } = harness);
});

afterAll(async () => {
  await harness.close();
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

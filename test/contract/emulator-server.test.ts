/**
 * One emulator server for several engines: each engine claims the requests of its own wire
 * protocol on the one port, the real SDK clients of both services talk to it unchanged, and the
 * admin API addresses one engine by its provider id.
 */
import { DescribeModelCommand, ResourceNotFoundException } from '@aws-sdk/client-lookoutvision';
import { DescribeProjectVersionsCommand } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/emulator/clock.ts';
import { type EmulatorServer, startEmulatorServer } from '../../src/emulator/server.ts';
import { createLookoutVisionClient } from '../../src/providers/lookoutvision/client.ts';
import { createLookoutVisionEngine } from '../../src/providers/lookoutvision/emulator/index.ts';
import { createRekognitionClient } from '../../src/providers/rekognition/client.ts';
import { createRekognitionEngine } from '../../src/providers/rekognition/emulator/index.ts';

const projectArn = 'arn:aws:rekognition:eu-central-1:123456789012:project/labels/1711000000000';
const clientOptions = (endpoint: string) => ({
  endpoint,
  region: 'eu-central-1',
  credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
});

const clock = new VirtualClock('2027-03-26T04:00:00Z');
const lookoutVision = createLookoutVisionEngine({
  clock,
  models: [{ projectName: 'boards', modelVersion: '1' }],
});
const rekognition = createRekognitionEngine({
  clock,
  models: [{ projectName: 'labels', projectArn, versionName: 'v1' }],
});
let server: EmulatorServer;

beforeAll(async () => {
  server = await startEmulatorServer({ engines: [lookoutVision, rekognition] });
});

afterAll(async () => {
  await server.close();
});

const admin = (path: string, body?: unknown) =>
  fetch(`${server.url}/__emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('one emulator server for Lookout for Vision and Rekognition', () => {
  it('answers both SDK clients on one port, each request in its own engine', async () => {
    // Prepare
    const lookout = createLookoutVisionClient(clientOptions(server.url));
    const labels = createRekognitionClient(clientOptions(server.url));

    // Act
    const model = await lookout.send(new DescribeModelCommand({ ProjectName: 'boards', ModelVersion: '1' }));
    const versions = await labels.send(new DescribeProjectVersionsCommand({ ProjectArn: projectArn }));
    const missing = await lookout
      .send(new DescribeModelCommand({ ProjectName: 'labels', ModelVersion: '1' }))
      .catch((error: unknown) => error);
    lookout.destroy();
    labels.destroy();

    // Assess
    expect(model.ModelDescription?.Status).toBe('TRAINED');
    expect(versions.ProjectVersionDescriptions?.map((version) => version.Status)).toEqual([
      'TRAINING_COMPLETED',
    ]);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(lookoutVision.callLog().map((call) => call.api)).toEqual(['DescribeModel', 'DescribeModel']);
    expect(rekognition.callLog().map((call) => call.api)).toEqual(['DescribeProjectVersions']);
  });

  it('answers a request no engine claims in the protocol it was sent in', async () => {
    // Act
    const rest = await fetch(`${server.url}/2020-11-20/nothing`);
    const json = await fetch(server.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'SageMaker.DescribeEndpoint', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });

    // Assess
    expect(rest.status).toBe(404);
    expect(rest.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('addresses one engine by its provider id under the admin prefix, the first one without', async () => {
    // Act
    const seeded = await admin('rekognition/models', {
      projectName: 'labels',
      projectArn,
      versionName: 'v2',
    });
    const failing = await admin('rekognition/models/labels/v2/fail-next-starts', { count: 2 });
    const rekognitionModels = (await (await admin('rekognition/models')).json()) as { models: unknown[] };
    const firstModels = (await (await admin('models')).json()) as { models: unknown[] };
    const invalid = await admin('rekognition/errors', { api: 'StartModel', error: 'ThrottlingException' });
    const injected = await admin('rekognition/errors', {
      api: 'StartProjectVersion',
      error: 'LimitExceededException',
      versionName: 'v2',
    });

    // Assess
    expect(seeded.status).toBe(200);
    expect(failing.status).toBe(200);
    expect(rekognitionModels.models).toHaveLength(2);
    expect(firstModels.models).toEqual([
      expect.objectContaining({ projectName: 'boards', modelVersion: '1' }),
    ]);
    expect(invalid.status).toBe(400);
    expect(injected.status).toBe(200);
  });
});

import {
  DescribeModelCommand,
  ListModelsCommand,
  StartModelCommand,
  ThrottlingException,
} from '@aws-sdk/client-lookoutvision';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/emulator/clock.ts';
import { inProcessRequestHandler } from '../../../src/emulator/in-process-handler.ts';
import { createLookoutVisionClient } from '../../../src/providers/lookoutvision/client.ts';
import { createLookoutVisionEngine } from '../../../src/providers/lookoutvision/emulator/index.ts';

const minute = 60_000;

const setup = () => {
  const clock = new VirtualClock('2027-03-26T04:00:00Z');
  const engine = createLookoutVisionEngine({
    clock,
    startLatency: 10 * minute,
    requestsPerSecond: Number.POSITIVE_INFINITY,
    retryAfterSeconds: 0,
    models: [1, 2, 3].map((version) => ({ projectName: 'circuit-boards', modelVersion: String(version) })),
  });
  const client = createLookoutVisionClient({
    region: 'eu-central-1',
    endpoint: 'http://emulator.local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: inProcessRequestHandler([engine]),
  });
  return { clock, engine, client };
};

describe('the in-process request handler', () => {
  it('carries the real SDK requests to the engine and its answers back', async () => {
    // Prepare
    const { clock, engine, client } = setup();
    const address = { ProjectName: 'circuit-boards', ModelVersion: '2' };

    // Act
    const started = await client.send(
      new StartModelCommand({ ...address, MinInferenceUnits: 2, ClientToken: 'run-1-start' }),
    );
    clock.advance(10 * minute);
    const described = await client.send(new DescribeModelCommand(address));
    const page = await client.send(new ListModelsCommand({ ProjectName: 'circuit-boards', MaxResults: 2 }));

    // Assess
    expect(started.Status).toBe('STARTING_HOSTING');
    expect(described.ModelDescription?.Status).toBe('HOSTED');
    expect(described.ModelDescription?.MinInferenceUnits).toBe(2);
    expect(page.Models?.map((model) => model.ModelVersion)).toEqual(['1', '2']);
    expect(page.NextToken).toBeDefined();
    expect(engine.callLog().find((call) => call.api === 'StartModel')).toMatchObject({
      clientToken: 'run-1-start',
      outcome: 'accepted',
    });
  });

  it('gives the SDK a service exception as its own typed exception', async () => {
    // Prepare
    const { engine, client } = setup();
    engine.injectError({ api: 'DescribeModel', error: 'ThrottlingException' });

    // Act
    const refused = await client
      .send(new DescribeModelCommand({ ProjectName: 'circuit-boards', ModelVersion: '1' }))
      .catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(ThrottlingException);
  });
});

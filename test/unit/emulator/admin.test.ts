import { describe, expect, it } from 'vitest';
import { handleAdmin } from '../../../src/emulator/admin.ts';
import { VirtualClock } from '../../../src/emulator/clock.ts';
import type { EmulatorEngine } from '../../../src/emulator/engine.ts';
import { emulators } from '../../../src/providers/emulators.ts';
import type { LookoutVisionEngine } from '../../../src/providers/lookoutvision/emulator/engine.ts';
import { type ProviderId, providerIds } from '../../../src/providers/registry.ts';
import type { RekognitionEngine } from '../../../src/providers/rekognition/emulator/engine.ts';
import type { SageMakerEngine } from '../../../src/providers/sagemaker/emulator/engine.ts';

const minute = 60_000;

/** Per provider: two models to seed, the path segments of the first, and a start of it through the AWS API. */
const services: {
  readonly [Id in ProviderId]: {
    readonly models: readonly [object, object];
    readonly path: string;
    readonly failed: string;
    start(engine: EmulatorEngine): void;
  };
} = {
  lookoutvision: {
    models: [
      { projectName: 'boards', modelVersion: '1' },
      { projectName: 'boards', modelVersion: '2' },
    ],
    path: 'boards/1',
    failed: 'HOSTING_FAILED',
    start: (engine) =>
      (engine as LookoutVisionEngine).handle({
        api: 'StartModel',
        projectName: 'boards',
        modelVersion: '1',
        body: { MinInferenceUnits: 1 },
      }),
  },
  rekognition: {
    models: [
      { projectName: 'labels', versionName: 'v1' },
      { projectName: 'labels', versionName: 'v2' },
    ],
    path: 'labels/v1',
    failed: 'FAILED',
    start: (engine) => {
      const [first] = engine.models() as { projectVersionArn: string }[];
      (engine as RekognitionEngine).handle({
        api: 'StartProjectVersion',
        body: { ProjectVersionArn: first?.projectVersionArn, MinInferenceUnits: 1 },
      });
    },
  },
  sagemaker: {
    models: [
      { endpointName: 'vision', inferenceComponentName: 'boards' },
      { endpointName: 'vision', inferenceComponentName: 'labels' },
    ],
    path: 'vision/boards',
    failed: 'Failed',
    start: (engine) =>
      (engine as SageMakerEngine).handle({
        api: 'UpdateInferenceComponentRuntimeConfig',
        body: { InferenceComponentName: 'boards', DesiredRuntimeConfig: { CopyCount: 1 } },
      }),
  },
};

const post = (engine: EmulatorEngine, path: string, body: unknown) =>
  handleAdmin(engine, 'POST', path, Buffer.from(JSON.stringify(body)));

describe('the admin API every engine shares', () => {
  it.each(providerIds)(
    'seeds several %s models at once and fails the next start of one by its address',
    (id) => {
      // Prepare
      const service = services[id];
      const clock = new VirtualClock('2027-03-26T04:00:00Z');
      const engine = emulators[id].createEngine({ clock, startLatency: 10 * minute });

      // Act
      const seeded = post(engine, 'models', { models: service.models });
      const failing = post(engine, `models/${service.path}/fail-next-starts`, { count: 1 });
      service.start(engine);
      clock.advance(10 * minute);

      // Assess
      expect(seeded.httpStatus).toBe(200);
      expect(engine.models()).toHaveLength(2);
      expect(failing).toMatchObject({
        httpStatus: 200,
        body: { model: { status: emulators[id].readyStatus } },
      });
      expect(engine.models()).toEqual([
        expect.objectContaining({ status: service.failed }),
        expect.objectContaining({ status: emulators[id].readyStatus }),
      ]);
    },
  );

  it.each(providerIds)('refuses to fail the starts of a %s model it does not hold, naming it', (id) => {
    // Prepare
    const engine = emulators[id].createEngine({ clock: new VirtualClock('2027-03-26T04:00:00Z') });

    // Act
    const answer = post(engine, `models/${services[id].path}/fail-next-starts`, {});

    // Assess
    expect(answer.httpStatus).toBe(400);
    expect(answer.body).toEqual({ error: expect.stringContaining(`${services[id].path} in the emulator`) });
  });
});

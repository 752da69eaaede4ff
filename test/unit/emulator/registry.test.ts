import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/emulator/clock.ts';
import type { ModelRef } from '../../../src/hosting/model-host.ts';
import { emulators } from '../../../src/providers/emulators.ts';
import { providerIds } from '../../../src/providers/registry.ts';

const refs: readonly ModelRef[] = [
  { provider: 'lookoutvision', projectName: 'circuit-boards', modelVersion: '3' },
  { provider: 'lookoutvision', projectName: 'circuit-boards', modelVersion: '3' },
  { provider: 'lookoutvision', projectName: 'weld-seams', modelVersion: 'latest' },
  {
    provider: 'rekognition',
    projectArn: 'arn:aws:rekognition:eu-central-1:123456789012:project/label-line/1711000000000',
    versionName: 'v1',
  },
  { provider: 'sagemaker', endpointName: 'vision-endpoint', inferenceComponentName: 'pcb-defects' },
  { provider: 'sagemaker', endpointName: 'vision-endpoint', inferenceComponentName: 'pcb-defects' },
];

describe('the emulator registry', () => {
  it.each(providerIds)(
    'has an emulator for %s that serves its endpoint variable and seeds its own models, ready to start',
    (id) => {
      // Prepare
      const emulator = emulators[id];
      const engine = emulator.createEngine({ clock: new VirtualClock('2027-03-26T04:00:00Z') });

      // Act
      const seeded = emulator.seed(engine, refs);

      // Assess
      expect(engine.service).toBe(id);
      expect(emulator.endpointVariable).toBe(`AWS_ENDPOINT_URL_${id.toUpperCase()}`);
      expect(seeded.length).toBeGreaterThan(0);
      expect(engine.models()).toHaveLength(seeded.length);
      expect(engine.models()).toEqual(
        seeded.map(() => expect.objectContaining({ status: emulator.readyStatus })),
      );
    },
  );

  it('seeds one model per physical model, and "latest" as version 1', () => {
    // Prepare
    const engine = emulators.lookoutvision.createEngine({ clock: new VirtualClock('2027-03-26T04:00:00Z') });

    // Act
    const seeded = emulators.lookoutvision.seed(engine, refs);

    // Assess
    expect(seeded).toEqual(['circuit-boards/3', 'weld-seams/1']);
  });

  it('seeds one SageMaker inference component per name, at zero copies', () => {
    // Prepare
    const engine = emulators.sagemaker.createEngine({ clock: new VirtualClock('2027-03-26T04:00:00Z') });

    // Act
    const seeded = emulators.sagemaker.seed(engine, refs);

    // Assess
    expect(seeded).toEqual(['vision-endpoint/pcb-defects']);
    expect(engine.models()).toEqual([
      expect.objectContaining({ status: 'ScaledToZero', desiredCopyCount: 0, currentCopyCount: 0 }),
    ]);
  });
});

/**
 * The Rekognition Custom Labels emulator: its engine on the shared kernel, a server of its own for a
 * test or a tool that needs only this service, and its entry in the emulator registry. Point the
 * SDK at `url` via `AWS_ENDPOINT_URL_REKOGNITION`.
 */
import { type EmulatorOptions, providerEmulator } from '../../../emulator/provider-emulator.ts';
import type { RunningEmulator } from '../../../emulator/server.ts';
import { rekognition } from '../index.ts';
import {
  projectNameOfArn,
  RekognitionEngine,
  type RekognitionEngineOptions,
  type SeedProjectVersion,
} from './engine.ts';

export * from './engine.ts';
export type { RekognitionErrorType } from './wire.ts';

export type RekognitionEmulatorOptions = EmulatorOptions<RekognitionEngineOptions, SeedProjectVersion>;

/** A Rekognition emulator accepting requests. */
export type RunningRekognitionEmulator = RunningEmulator<RekognitionEngine>;

/** Rekognition Custom Labels in the emulator registry: versions seeded TRAINING_COMPLETED. */
export const rekognitionEmulator = providerEmulator({
  endpointVariable: 'AWS_ENDPOINT_URL_REKOGNITION',
  readyStatus: 'TRAINING_COMPLETED',
  construct: (options: RekognitionEngineOptions) => new RekognitionEngine(options),
  isRef: rekognition.isRef,
  seedOf: (ref) => {
    const projectName = projectNameOfArn(ref.projectArn);
    if (projectName === undefined) throw new RangeError(`the emulator cannot hold project ${ref.projectArn}`);
    // Under the exact project ARN the file names, so the scheduler's calls find it.
    return { projectName, projectArn: ref.projectArn, versionName: ref.versionName };
  },
  measure: (engine, ref) => {
    const address = { projectName: projectNameOfArn(ref.projectArn) ?? '', versionName: ref.versionName };
    return {
      status: () => engine.model(address).status,
      acceptedStarts: () => {
        const versionArn = engine.model(address).projectVersionArn;
        return engine
          .callLog()
          .filter(
            (call) =>
              call.api === 'StartProjectVersion' &&
              call.outcome === 'accepted' &&
              call.projectVersionArn === versionArn,
          ).length;
      },
      billedRuns: () =>
        engine
          .ledger()
          .runs.filter(
            (run) => run.projectName === address.projectName && run.versionName === address.versionName,
          ),
    };
  },
});

/** A Rekognition engine holding `options.models`, on `options.clock` (default: the system clock). */
export const createRekognitionEngine = rekognitionEmulator.createEngine;

/**
 * Starts a Rekognition Custom Labels emulator on 127.0.0.1 and resolves once it accepts requests.
 *
 * @example
 * const emulator = await startRekognitionEmulator({ clock: new VirtualClock('2027-03-26T04:00:00Z') });
 * process.env.AWS_ENDPOINT_URL_REKOGNITION = emulator.url;
 */
export const startRekognitionEmulator = rekognitionEmulator.start;

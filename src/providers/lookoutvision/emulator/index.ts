/**
 * The Lookout for Vision emulator: its engine on the shared kernel, a server of its own for a test
 * or a tool that needs only this service, and its entry in the emulator registry. Point the SDK at
 * `url` via `AWS_ENDPOINT_URL_LOOKOUTVISION`.
 */
import { type EmulatorOptions, providerEmulator } from '../../../emulator/provider-emulator.ts';
import type { RunningEmulator } from '../../../emulator/server.ts';
import { lookoutVision } from '../index.ts';
import { LookoutVisionEngine, type LookoutVisionEngineOptions, type SeedModel } from './engine.ts';

export * from './engine.ts';
export type { LookoutVisionErrorType } from './wire.ts';

export type LookoutVisionEmulatorOptions = EmulatorOptions<LookoutVisionEngineOptions, SeedModel>;

/** A Lookout for Vision emulator accepting requests. */
export type RunningLookoutVisionEmulator = RunningEmulator<LookoutVisionEngine>;

/** Lookout for Vision in the emulator registry: models seeded TRAINED, by project and version. */
export const lookoutVisionEmulator = providerEmulator({
  endpointVariable: 'AWS_ENDPOINT_URL_LOOKOUTVISION',
  readyStatus: 'TRAINED',
  construct: (options: LookoutVisionEngineOptions) => new LookoutVisionEngine(options),
  isRef: lookoutVision.isRef,
  seedOf: (ref) => ({
    projectName: ref.projectName,
    // "latest" needs a real version behind it.
    modelVersion: ref.modelVersion === 'latest' ? '1' : ref.modelVersion,
  }),
  measure: (engine, ref) => {
    const address = { projectName: ref.projectName, modelVersion: ref.modelVersion };
    const same = (entry: { projectName?: string | undefined; modelVersion?: string | undefined }) =>
      entry.projectName === address.projectName && entry.modelVersion === address.modelVersion;
    return {
      status: () => engine.model(address).status,
      acceptedStarts: () =>
        engine
          .callLog()
          .filter((call) => call.api === 'StartModel' && call.outcome === 'accepted' && same(call)).length,
      billedRuns: () => engine.ledger().runs.filter(same),
    };
  },
});

/** A Lookout for Vision engine holding `options.models`, on `options.clock` (default: the system clock). */
export const createLookoutVisionEngine = lookoutVisionEmulator.createEngine;

/**
 * Starts a Lookout for Vision emulator on 127.0.0.1 and resolves once it accepts requests.
 *
 * @example
 * const emulator = await startLookoutVisionEmulator({ clock: new VirtualClock('2027-03-26T04:00:00Z') });
 * process.env.AWS_ENDPOINT_URL_LOOKOUTVISION = emulator.url;
 */
export const startLookoutVisionEmulator = lookoutVisionEmulator.start;

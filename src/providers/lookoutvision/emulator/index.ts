/**
 * The Lookout for Vision emulator: its engine on the shared kernel, and a server of its own for a
 * test or a tool that needs only this service. Point the SDK at `url` via `AWS_ENDPOINT_URL_LOOKOUTVISION`.
 */
import { type Clock, SystemClock } from '../../../emulator/clock.ts';
import { type EmulatorServerOptions, type RunningEmulator, serveEngine } from '../../../emulator/server.ts';
import { LookoutVisionEngine, type LookoutVisionEngineOptions, type SeedModel } from './engine.ts';

export * from './engine.ts';
export type { LookoutVisionErrorType } from './wire.ts';

export interface LookoutVisionEmulatorOptions
  extends Omit<LookoutVisionEngineOptions, 'clock'>,
    Omit<EmulatorServerOptions, 'engines'> {
  /** Default: the system clock. Pass a `VirtualClock` to drive time from a test or the simulator. */
  readonly clock?: Clock;
  /** Models to create before the first request. */
  readonly models?: readonly SeedModel[];
}

/** A Lookout for Vision emulator accepting requests. */
export type RunningLookoutVisionEmulator = RunningEmulator<LookoutVisionEngine>;

/** A Lookout for Vision engine holding `options.models`, on `options.clock` (default: the system clock). */
export const createLookoutVisionEngine = (
  options: LookoutVisionEmulatorOptions = {},
): LookoutVisionEngine => {
  const engine = new LookoutVisionEngine({ ...options, clock: options.clock ?? new SystemClock() });
  for (const model of options.models ?? []) engine.seedModel(model);
  return engine;
};

/**
 * Starts a Lookout for Vision emulator on 127.0.0.1 and resolves once it accepts requests.
 *
 * @example
 * const emulator = await startLookoutVisionEmulator({ clock: new VirtualClock('2027-03-26T04:00:00Z') });
 * process.env.AWS_ENDPOINT_URL_LOOKOUTVISION = emulator.url;
 */
export const startLookoutVisionEmulator = (
  options: LookoutVisionEmulatorOptions = {},
): Promise<RunningLookoutVisionEmulator> => serveEngine(createLookoutVisionEngine(options), options);

/**
 * The Rekognition Custom Labels emulator: its engine on the shared kernel, and a server of its own
 * for a test or a tool that needs only this service. Point the SDK at `url` via `AWS_ENDPOINT_URL_REKOGNITION`.
 */
import { type Clock, SystemClock } from '../../../emulator/clock.ts';
import { type EmulatorServerOptions, type RunningEmulator, serveEngine } from '../../../emulator/server.ts';
import { RekognitionEngine, type RekognitionEngineOptions, type SeedProjectVersion } from './engine.ts';

export * from './engine.ts';
export type { RekognitionErrorType } from './wire.ts';

export interface RekognitionEmulatorOptions
  extends Omit<RekognitionEngineOptions, 'clock'>,
    Omit<EmulatorServerOptions, 'engines'> {
  /** Default: the system clock. Pass a `VirtualClock` to drive time from a test or the simulator. */
  readonly clock?: Clock;
  /** Versions to create before the first request. */
  readonly models?: readonly SeedProjectVersion[];
}

/** A Rekognition emulator accepting requests. */
export type RunningRekognitionEmulator = RunningEmulator<RekognitionEngine>;

/** A Rekognition engine holding `options.models`, on `options.clock` (default: the system clock). */
export const createRekognitionEngine = (options: RekognitionEmulatorOptions = {}): RekognitionEngine => {
  const engine = new RekognitionEngine({ ...options, clock: options.clock ?? new SystemClock() });
  for (const model of options.models ?? []) engine.seedModel(model);
  return engine;
};

/**
 * Starts a Rekognition Custom Labels emulator on 127.0.0.1 and resolves once it accepts requests.
 *
 * @example
 * const emulator = await startRekognitionEmulator({ clock: new VirtualClock('2027-03-26T04:00:00Z') });
 * process.env.AWS_ENDPOINT_URL_REKOGNITION = emulator.url;
 */
export const startRekognitionEmulator = (
  options: RekognitionEmulatorOptions = {},
): Promise<RunningRekognitionEmulator> => serveEngine(createRekognitionEngine(options), options);

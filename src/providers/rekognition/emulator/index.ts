/**
 * The Rekognition Custom Labels emulator: its engine on the shared kernel, and a server of its own
 * for a test or a tool that needs only this service. Point the SDK at `url` via `AWS_ENDPOINT_URL_REKOGNITION`.
 */
import { type EmulatorOptions, frontDoors } from '../../../emulator/front-doors.ts';
import type { RunningEmulator } from '../../../emulator/server.ts';
import { RekognitionEngine, type RekognitionEngineOptions, type SeedProjectVersion } from './engine.ts';

export * from './engine.ts';
export type { RekognitionErrorType } from './wire.ts';

export type RekognitionEmulatorOptions = EmulatorOptions<RekognitionEngineOptions, SeedProjectVersion>;

/** A Rekognition emulator accepting requests. */
export type RunningRekognitionEmulator = RunningEmulator<RekognitionEngine>;

const doors = frontDoors((options: RekognitionEngineOptions) => new RekognitionEngine(options));

/** A Rekognition engine holding `options.models`, on `options.clock` (default: the system clock). */
export const createRekognitionEngine = doors.create;

/**
 * Starts a Rekognition Custom Labels emulator on 127.0.0.1 and resolves once it accepts requests.
 *
 * @example
 * const emulator = await startRekognitionEmulator({ clock: new VirtualClock('2027-03-26T04:00:00Z') });
 * process.env.AWS_ENDPOINT_URL_REKOGNITION = emulator.url;
 */
export const startRekognitionEmulator = doors.start;

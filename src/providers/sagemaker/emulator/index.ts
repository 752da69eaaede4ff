/**
 * The SageMaker inference-component emulator: its engine on the shared kernel, and a server of its
 * own for a test or a tool that needs only this service. Point the SDK at `url` via
 * `AWS_ENDPOINT_URL_SAGEMAKER`.
 */
import { type Clock, SystemClock } from '../../../emulator/clock.ts';
import { type EmulatorServerOptions, type RunningEmulator, serveEngine } from '../../../emulator/server.ts';
import { SageMakerEngine, type SageMakerEngineOptions, type SeedInferenceComponent } from './engine.ts';

export * from './engine.ts';
export { type SageMakerErrorType, sageMakerErrorTypes } from './wire.ts';

export interface SageMakerEmulatorOptions
  extends Omit<SageMakerEngineOptions, 'clock'>,
    Omit<EmulatorServerOptions, 'engines'> {
  /** Default: the system clock. Pass a `VirtualClock` to drive time from a test or the simulator. */
  readonly clock?: Clock;
  /** Components to create before the first request. */
  readonly models?: readonly SeedInferenceComponent[];
}

/** A SageMaker emulator accepting requests. */
export type RunningSageMakerEmulator = RunningEmulator<SageMakerEngine>;

/** A SageMaker engine holding `options.models`, on `options.clock` (default: the system clock). */
export const createSageMakerEngine = (options: SageMakerEmulatorOptions = {}): SageMakerEngine => {
  const engine = new SageMakerEngine({ ...options, clock: options.clock ?? new SystemClock() });
  for (const model of options.models ?? []) engine.seedModel(model);
  return engine;
};

/**
 * Starts a SageMaker emulator on 127.0.0.1 and resolves once it accepts requests.
 *
 * @example
 * const emulator = await startSageMakerEmulator({ clock: new VirtualClock('2027-03-26T04:00:00Z') });
 * process.env.AWS_ENDPOINT_URL_SAGEMAKER = emulator.url;
 */
export const startSageMakerEmulator = (
  options: SageMakerEmulatorOptions = {},
): Promise<RunningSageMakerEmulator> => serveEngine(createSageMakerEngine(options), options);

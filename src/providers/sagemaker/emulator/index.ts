/**
 * The SageMaker inference-component emulator: its engine on the shared kernel, a server of its own
 * for a test or a tool that needs only this service, and its entry in the emulator registry. Point
 * the SDK at `url` via `AWS_ENDPOINT_URL_SAGEMAKER`.
 */
import { type EmulatorOptions, providerEmulator } from '../../../emulator/provider-emulator.ts';
import type { RunningEmulator } from '../../../emulator/server.ts';
import { sageMaker } from '../index.ts';
import { SageMakerEngine, type SageMakerEngineOptions, type SeedInferenceComponent } from './engine.ts';

export * from './engine.ts';
export { type SageMakerErrorType, sageMakerErrorTypes } from './wire.ts';

export type SageMakerEmulatorOptions = EmulatorOptions<SageMakerEngineOptions, SeedInferenceComponent>;

/** A SageMaker emulator accepting requests. */
export type RunningSageMakerEmulator = RunningEmulator<SageMakerEngine>;

/**
 * SageMaker in the emulator registry: components seeded ScaledToZero, by endpoint and component
 * (component names are unique in an account: one component per name).
 */
export const sageMakerEmulator = providerEmulator({
  endpointVariable: 'AWS_ENDPOINT_URL_SAGEMAKER',
  readyStatus: 'ScaledToZero',
  // A start latency given is the whole time a start takes, the instances' start from zero included.
  construct: (options: SageMakerEngineOptions) =>
    new SageMakerEngine({
      ...(options.startLatency === undefined ? {} : { scaleFromZeroLatency: 0 }),
      ...options,
    }),
  isRef: sageMaker.isRef,
  seedOf: (ref) => ({ endpointName: ref.endpointName, inferenceComponentName: ref.inferenceComponentName }),
  // A start is a scale-up of the component's copies from zero.
  measure: (engine, ref) => {
    const address = { endpointName: ref.endpointName, inferenceComponentName: ref.inferenceComponentName };
    const same = (entry: { inferenceComponentName?: string | undefined }) =>
      entry.inferenceComponentName === address.inferenceComponentName;
    return {
      status: () => engine.model(address).status,
      acceptedStarts: () =>
        engine
          .callLog()
          .filter(
            (call) =>
              call.api === 'UpdateInferenceComponentRuntimeConfig' &&
              call.outcome === 'accepted' &&
              (call.copyCount ?? 0) > 0 &&
              same(call),
          ).length,
      billedRuns: () => engine.ledger().runs.filter(same),
    };
  },
});

/** A SageMaker engine holding `options.models`, on `options.clock` (default: the system clock). */
export const createSageMakerEngine = sageMakerEmulator.createEngine;

/**
 * Starts a SageMaker emulator on 127.0.0.1 and resolves once it accepts requests.
 *
 * @example
 * const emulator = await startSageMakerEmulator({ clock: new VirtualClock('2027-03-26T04:00:00Z') });
 * process.env.AWS_ENDPOINT_URL_SAGEMAKER = emulator.url;
 */
export const startSageMakerEmulator = sageMakerEmulator.start;

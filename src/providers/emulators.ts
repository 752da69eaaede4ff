/**
 * The emulator registry: for each registered provider, its emulator engine, how `shiftctl emulator
 * -f` and the simulation seed the models of a file (each ready to start), and the SDK's endpoint
 * variable it serves. Apart from the provider registry, so the Lambdas never load emulator code.
 */
import type { EmulatorEngine } from '../emulator/engine.ts';
import type { KernelOptions } from '../emulator/kernel.ts';
import type { ModelRef } from '../hosting/model-host.ts';
import type { SchedulerConfig } from '../schedule/config.ts';
import { LookoutVisionEngine } from './lookoutvision/emulator/engine.ts';
import { lookoutVision } from './lookoutvision/index.ts';
import { type ProviderId, providerIds, refOfModel } from './registry.ts';
import { projectNameOfArn, RekognitionEngine } from './rekognition/emulator/engine.ts';
import { rekognition } from './rekognition/index.ts';
import { SageMakerEngine } from './sagemaker/emulator/engine.ts';
import { sageMaker } from './sagemaker/index.ts';

/** Options every engine takes: the kernel's, for any of its operations. */
export type EngineOptions = KernelOptions<string>;

/** One provider's emulator. */
export interface ProviderEmulator<Engine extends EmulatorEngine = EmulatorEngine> {
  /** The SDK's own endpoint variable for the service, e.g. `AWS_ENDPOINT_URL_LOOKOUTVISION`. */
  readonly endpointVariable: `AWS_ENDPOINT_URL_${string}`;
  /** The status a seeded model is in: ready to start. */
  readonly readyStatus: string;
  createEngine(options: EngineOptions): Engine;
  /**
   * Creates each model of `refs` that belongs to this provider, ready to start, and answers how
   * each is named at the service (`project/version`), once per physical model.
   */
  seed(engine: Engine, refs: readonly ModelRef[]): string[];
}

const lookoutVisionEmulator: ProviderEmulator<LookoutVisionEngine> = {
  endpointVariable: 'AWS_ENDPOINT_URL_LOOKOUTVISION',
  readyStatus: 'TRAINED',
  createEngine: (options) => new LookoutVisionEngine(options),
  seed: (engine, refs) =>
    once(
      refs.filter(lookoutVision.isRef).map((ref) => ({
        projectName: ref.projectName,
        // "latest" needs a real version behind it.
        modelVersion: ref.modelVersion === 'latest' ? '1' : ref.modelVersion,
      })),
      (address) => `${address.projectName}/${address.modelVersion}`,
    ).map(([name, address]) => {
      engine.seedModel(address);
      return name;
    }),
};

const rekognitionEmulator: ProviderEmulator<RekognitionEngine> = {
  endpointVariable: 'AWS_ENDPOINT_URL_REKOGNITION',
  readyStatus: 'TRAINING_COMPLETED',
  createEngine: (options) => new RekognitionEngine(options),
  seed: (engine, refs) =>
    once(
      refs.filter(rekognition.isRef).map((ref) => {
        const projectName = projectNameOfArn(ref.projectArn);
        if (projectName === undefined)
          throw new RangeError(`the emulator cannot hold project ${ref.projectArn}`);
        // Under the exact project ARN the file names, so the scheduler's calls find it.
        return { projectName, projectArn: ref.projectArn, versionName: ref.versionName };
      }),
      (address) => `${address.projectName}/${address.versionName}`,
    ).map(([name, address]) => {
      engine.seedModel(address);
      return name;
    }),
};

const sageMakerEmulator: ProviderEmulator<SageMakerEngine> = {
  endpointVariable: 'AWS_ENDPOINT_URL_SAGEMAKER',
  readyStatus: 'ScaledToZero',
  // A start latency given is the whole time a start takes, the instances' start from zero included.
  createEngine: (options) =>
    new SageMakerEngine({
      ...(options.startLatency === undefined ? {} : { scaleFromZeroLatency: 0 }),
      ...options,
    }),
  seed: (engine, refs) =>
    // Component names are unique in an account: one component per name.
    once(
      refs.filter(sageMaker.isRef).map((ref) => ({
        endpointName: ref.endpointName,
        inferenceComponentName: ref.inferenceComponentName,
      })),
      (address) => `${address.endpointName}/${address.inferenceComponentName}`,
    ).map(([name, address]) => {
      engine.seedModel(address);
      return name;
    }),
};

/** Every registered provider's emulator; the type makes a provider without one a compile error. */
export const emulators: { readonly [Id in ProviderId]: ProviderEmulator } = {
  lookoutvision: lookoutVisionEmulator,
  rekognition: rekognitionEmulator,
  sagemaker: sageMakerEmulator,
};

/** The registered providers whose models `config` names, in registry order. */
export const providersOf = (config: SchedulerConfig): ProviderId[] =>
  providerIds.filter((id) => config.models.some((model) => model.provider === id));

/** Where each model of `config` lives at its provider. */
export const refsOf = (config: SchedulerConfig): ModelRef[] => config.models.map(refOfModel);

const once = <T>(items: readonly T[], nameOf: (item: T) => string): [string, T][] => [
  ...new Map(items.map((item) => [nameOf(item), item] as const)).entries(),
];

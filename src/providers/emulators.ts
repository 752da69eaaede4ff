/**
 * The emulator registry: for each registered provider, its emulator (engine, seeding of the models
 * of a file, each ready to start, and the SDK's endpoint variable it serves), from the provider's
 * own `emulator/` folder. Apart from the provider registry, so the Lambdas never load emulator code.
 */
import type { KernelOptions } from '../emulator/kernel.ts';
import type { ProviderEmulator } from '../emulator/provider-emulator.ts';
import type { ModelRef } from '../hosting/model-host.ts';
import type { SchedulerConfig } from '../schedule/config.ts';
import { lookoutVisionEmulator } from './lookoutvision/emulator/index.ts';
import { type ProviderId, providerIds, refOfModel } from './registry.ts';
import { rekognitionEmulator } from './rekognition/emulator/index.ts';
import { sageMakerEmulator } from './sagemaker/emulator/index.ts';

export type { ProviderEmulator } from '../emulator/provider-emulator.ts';

/** Options every engine takes: the kernel's, for any of its operations. */
export type EngineOptions = KernelOptions<string>;

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

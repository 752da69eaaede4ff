/**
 * An engine as the scheduler's tools start it for a provider: the SDK's endpoint variable it
 * serves, the status its seeded models are in, and how the models of a shifts file become seeded
 * models, once per physical model.
 */
import type { ModelRef } from '../hosting/model-host.ts';
import type { EmulatorEngine } from './engine.ts';
import { addressName } from './hosting-engine.ts';
import type { KernelOptions } from './kernel.ts';

/** One provider's emulator. */
export interface ProviderEmulator<Engine extends EmulatorEngine = EmulatorEngine> {
  /** The SDK's own endpoint variable for the service, e.g. `AWS_ENDPOINT_URL_LOOKOUTVISION`. */
  readonly endpointVariable: `AWS_ENDPOINT_URL_${string}`;
  /** The status a seeded model is in: ready to start. */
  readonly readyStatus: string;
  createEngine(options: KernelOptions<string>): Engine;
  /**
   * Creates each model of `refs` that belongs to this provider, ready to start, and answers how
   * each is named at the service (`project/version`), once per physical model.
   */
  seed(engine: Engine, refs: readonly ModelRef[]): string[];
}

/** What a provider's emulator is made of besides the shared seeding. */
export interface ProviderEmulatorParts<Engine extends EmulatorEngine, Ref extends ModelRef> {
  readonly endpointVariable: ProviderEmulator['endpointVariable'];
  readonly readyStatus: string;
  createEngine(options: KernelOptions<string>): Engine;
  /** Whether `ref` is one of this provider's. */
  isRef(ref: ModelRef): ref is Ref;
  /** What seeding the model `ref` names takes: its address at the service, and what it lives in. */
  seedOf(ref: Ref): object;
}

/**
 * A provider's emulator from its parts. Refs naming the same model (by the engine's address keys)
 * seed it once; the names answered are in the order the refs first name them.
 */
export const providerEmulator = <Engine extends EmulatorEngine, Ref extends ModelRef>(
  parts: ProviderEmulatorParts<Engine, Ref>,
): ProviderEmulator<Engine> => ({
  endpointVariable: parts.endpointVariable,
  readyStatus: parts.readyStatus,
  createEngine: parts.createEngine,
  seed: (engine, refs) => {
    const seeds = new Map(
      refs.filter(parts.isRef).map((ref) => {
        const seed = parts.seedOf(ref);
        return [addressName(engine.addressKeys, seed), seed] as const;
      }),
    );
    for (const seed of seeds.values()) engine.seedModel(seed);
    return [...seeds.keys()];
  },
});

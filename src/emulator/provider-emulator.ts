/**
 * An engine as the scheduler's tools start it for a provider: created holding the models a caller
 * names (a test, the simulation) or served on a server of its own, the SDK's endpoint variable it
 * serves, the status its seeded models are in, and how the models of a shifts file become seeded
 * models, once per physical model.
 */
import type { ModelRef } from '../hosting/model-host.ts';
import { type Clock, SystemClock } from './clock.ts';
import type { EmulatorEngine } from './engine.ts';
import { addressName } from './hosting-engine.ts';
import type { KernelOptions } from './kernel.ts';
import { type EmulatorServerOptions, type RunningEmulator, serveEngine } from './server.ts';

/** An engine's options on any clock, the models to create before the first request, and its server's. */
export type EmulatorOptions<Options extends KernelOptions<string>, Seed> = Omit<Options, 'clock'> &
  Omit<EmulatorServerOptions, 'engines'> & {
    /** Default: the system clock. Pass a `VirtualClock` to drive time from a test or the simulator. */
    readonly clock?: Clock;
    /** Models to create before the first request. */
    readonly models?: readonly Seed[];
  };

/** How one model is measured at its engine: what the simulation reads minute by minute and at the end. */
export interface ModelMeasurement {
  /** The model's status word at the service, as the provider's status table names it. */
  status(): string;
  /** Start calls the service accepted (token replays not counted). */
  acceptedStarts(): number;
  /** The runs the service billed. */
  billedRuns(): readonly { startedAt: Date; endedAt: Date | null; minInferenceUnits: number }[];
}

/** One provider's emulator. */
export interface ProviderEmulator<
  Engine extends EmulatorEngine = EmulatorEngine,
  Options = EmulatorOptions<KernelOptions<string>, never>,
> {
  /** The SDK's own endpoint variable for the service, e.g. `AWS_ENDPOINT_URL_LOOKOUTVISION`. */
  readonly endpointVariable: `AWS_ENDPOINT_URL_${string}`;
  /** The status a seeded model is in: ready to start. */
  readonly readyStatus: string;
  /** An engine holding `options.models`, on `options.clock` (default: the system clock). */
  createEngine(options?: Options): Engine;
  /** Serves a new engine on 127.0.0.1 and resolves once it accepts requests. */
  start(options?: Options): Promise<RunningEmulator<Engine>>;
  /**
   * Creates each model of `refs` that belongs to this provider, ready to start, and answers how
   * each is named at the service (`project/version`), once per physical model.
   */
  seed(engine: Engine, refs: readonly ModelRef[]): string[];
  /** How the model `ref` names is measured at `engine`; undefined for a ref of another provider. */
  measure(engine: Engine, ref: ModelRef): ModelMeasurement | undefined;
}

/** What a provider's emulator is made of besides what every one shares. */
export interface ProviderEmulatorParts<Options, Engine extends EmulatorEngine, Ref extends ModelRef> {
  readonly endpointVariable: ProviderEmulator['endpointVariable'];
  readonly readyStatus: string;
  /** A new, empty engine. */
  construct(options: Options): Engine;
  /** Whether `ref` is one of this provider's. */
  isRef(ref: ModelRef): ref is Ref;
  /** What seeding the model `ref` names takes: its address at the service, and what it lives in. */
  seedOf(ref: Ref): object;
  /** How the model `ref` names is measured at `engine`. */
  measure(engine: Engine, ref: Ref): ModelMeasurement;
}

/** What an engine's `seedModel` takes. */
type SeedOf<Engine> = Engine extends { seedModel(spec: infer Seed): unknown } ? Seed : never;

/**
 * A provider's emulator from its parts. Refs naming the same model (by the engine's address keys)
 * seed it once; the names answered are in the order the refs first name them.
 */
export const providerEmulator = <
  Options extends KernelOptions<string>,
  Engine extends EmulatorEngine,
  Ref extends ModelRef,
>(
  parts: ProviderEmulatorParts<Options, Engine, Ref>,
): ProviderEmulator<Engine, EmulatorOptions<Options, SeedOf<Engine>>> => {
  type Front = EmulatorOptions<Options, SeedOf<Engine>>;
  const createEngine = (options: Front = {} as Front): Engine => {
    const clock = options.clock ?? new SystemClock();
    const engine = parts.construct({ ...options, clock } as unknown as Options);
    for (const model of options.models ?? []) engine.seedModel(model as object);
    return engine;
  };
  return {
    endpointVariable: parts.endpointVariable,
    readyStatus: parts.readyStatus,
    createEngine,
    start: (options = {} as Front) => serveEngine(createEngine(options), options),
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
    measure: (engine, ref) => (parts.isRef(ref) ? parts.measure(engine, ref) : undefined),
  };
};

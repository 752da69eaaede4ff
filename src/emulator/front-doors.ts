/**
 * An engine's two front doors, the same for every engine: created in-process holding the models a
 * caller names (a test, the simulation), or served on a server of its own (a tool that needs only
 * this service).
 */
import { type Clock, SystemClock } from './clock.ts';
import type { EmulatorEngine } from './engine.ts';
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

/** The front doors of one kind of engine. */
export interface FrontDoors<Engine extends EmulatorEngine, Options> {
  /** An engine holding `options.models`, on `options.clock` (default: the system clock). */
  create(options?: Options): Engine;
  /** Serves a new engine on 127.0.0.1 and resolves once it accepts requests. */
  start(options?: Options): Promise<RunningEmulator<Engine>>;
}

/** What an engine's `seedModel` takes. */
type SeedOf<Engine> = Engine extends { seedModel(spec: infer Seed): unknown } ? Seed : never;

/** The front doors of the engines `construct` builds. */
export const frontDoors = <
  Options extends KernelOptions<string>,
  Engine extends EmulatorEngine & { seedModel(spec: never): unknown },
>(
  construct: (options: Options) => Engine,
): FrontDoors<Engine, EmulatorOptions<Options, SeedOf<Engine>>> => {
  type Front = EmulatorOptions<Options, SeedOf<Engine>>;
  const create = (options: Front = {} as Front): Engine => {
    const engine = construct({ ...options, clock: options.clock ?? new SystemClock() } as unknown as Options);
    for (const model of options.models ?? []) engine.seedModel(model as never);
    return engine;
  };
  return { create, start: (options = {} as Front) => serveEngine(create(options), options) };
};

/**
 * What the HTTP server and the admin API need of an engine: the requests of its wire protocol, and
 * the administration every engine offers (seeding, fail-next-starts, faults, quota, latencies, call
 * log, ledger, reset) plus the routes of its own (projects, system updates, …).
 */
import type { z } from 'zod';
import type { Clock } from './clock.ts';
import type { InjectedError, RandomFaults } from './faults.ts';
import type { Latencies } from './kernel.ts';
import type { PerApi } from './quota.ts';
import type { WireProtocol, WireRequest, WireResponse } from './wire.ts';

/** An admin answer: a status and a JSON body. */
export interface AdminResponse {
  readonly httpStatus: number;
  readonly body: unknown;
}

/** One emulated service, as the server and the admin API drive it. */
export interface EmulatorEngine {
  /** The provider id, also the admin path segment: `lookoutvision`, `rekognition`. */
  readonly service: string;
  readonly clock: Clock;
  readonly protocol: WireProtocol;
  /** The operations it serves, the exceptions it may be told to answer with, the fields addressing a model. */
  readonly apiNames: readonly string[];
  readonly errorTypes: readonly string[];
  readonly addressKeys: readonly string[];
  /** The answer to a request of this engine's wire protocol; undefined when the request is another service's. */
  serve(request: WireRequest): WireResponse | undefined;
  /** `address` holds a value for each of `addressKeys`. */
  setLatencies(latencies: Latencies, address?: object): void;
  setFaults(faults: RandomFaults<string>): void;
  injectError(spec: InjectedError<string, string>): void;
  setQuota(requestsPerSecond: PerApi<string, number>): void;
  callLog(): readonly unknown[];
  ledger(): unknown;
  models(): readonly unknown[];
  /** One model, addressed by a value for each of `addressKeys`; throws a RangeError when there is none. */
  model(address: object): unknown;
  /** The body of one model to create over the admin API, as `seedModel` takes it. */
  readonly seedSchema: z.ZodType<object>;
  /** Creates a model (and what it lives in), ready as the spec says; answers its snapshot. */
  seedModel(spec: object): unknown;
  failNextStarts(address: object, count: number): void;
  reset(): void;
  /** A route of this engine only; undefined when `route` (`METHOD path`) is not one of them. */
  adminRoute(route: string, body: unknown): AdminResponse | undefined;
}

/**
 * The half every engine shares on top of the kernel: serving a wire request through the engine's
 * decode and handle, and the administration every engine offers (listing and finding its models,
 * their latencies, failing their next starts, faults, quota, call log, ledger and reset). An engine
 * extends it and adds only what its service says: how it stores and addresses models, its wire
 * requests, statuses and exceptions.
 */
import type { z } from 'zod';
import type { Clock } from './clock.ts';
import type { AdminResponse, EmulatorEngine } from './engine.ts';
import type { InjectedError, RandomFaults } from './faults.ts';
import {
  type CallRecord,
  EmulatorKernel,
  type FaultErrors,
  type HostedModel,
  type KernelOptions,
  type Latencies,
} from './kernel.ts';
import type { LedgerReport } from './ledger.ts';
import type { PerApi } from './quota.ts';
import type { ServiceErrors } from './service-error.ts';
import type { WireProtocol, WireRequest, WireResponse } from './wire.ts';

/** The name of a model in the ledger and the admin API: its address's values in key order, `project/version`. */
export const addressName = (keys: readonly string[], address: object): string =>
  keys.map((key) => String((address as Readonly<Record<string, unknown>>)[key])).join('/');

/** The types a service's wire names: its operations, its exceptions and how it addresses a model. */
export interface ServiceTypes {
  readonly api: string;
  readonly errorType: string;
  /** One name per address key (project, version). */
  readonly address: object;
}

/** The types one engine is made of, so a subclass names them once. */
export interface EngineTypes extends ServiceTypes {
  /** What the engine stores of a model: its hosting state and its address. */
  readonly record: HostedModel<string>;
  /** What the engine shows of a model: at least its address. */
  readonly snapshot: object;
  /** What names a billed run in the ledger: at least the model's address. */
  readonly billed: object;
  /** What the call log keeps of a request besides its API. */
  readonly fields: object;
  /** What creating a model over the admin API or in-process may set. */
  readonly seed: object;
  /** A request of the service's API, decoded from HTTP. */
  readonly request: object;
}

/** What names a service and how it speaks: the constants an engine hands the shared half. */
export interface ServiceDescription<T extends ServiceTypes> {
  /** The provider id, also the admin path segment: `lookoutvision`, `rekognition`. */
  readonly service: string;
  readonly protocol: WireProtocol;
  /** What the service calls a model, for the admin API's answers: `model`, `project version`. */
  readonly noun: string;
  /** The operations the engine serves. */
  readonly apiNames: readonly T['api'][];
  /** The service's exceptions; their names are those a test may inject. */
  readonly errors: ServiceErrors<T['errorType']>;
  /** How the service answers the kernel's quota and faults. */
  readonly faultErrors: FaultErrors<T['api'], T['errorType']>;
  /** The fields addressing a model, in the order its name joins them. */
  readonly addressKeys: readonly (keyof T['address'] & string)[];
}

/** The shared half of every engine; `T` names the service's own types. */
export abstract class HostingEngine<T extends EngineTypes> implements EmulatorEngine {
  readonly service: string;
  readonly protocol: WireProtocol;
  readonly apiNames: readonly T['api'][];
  readonly errorTypes: readonly T['errorType'][];
  readonly addressKeys: readonly (keyof T['address'] & string)[];
  readonly clock: Clock;
  protected readonly kernel: EmulatorKernel<T['api'], T['errorType'], T['billed'], T['fields']>;
  readonly #noun: string;

  constructor(
    options: KernelOptions<T['api']>,
    description: ServiceDescription<Pick<T, keyof ServiceTypes>>,
  ) {
    this.service = description.service;
    this.protocol = description.protocol;
    this.apiNames = description.apiNames;
    this.errorTypes = description.errors.types;
    this.addressKeys = description.addressKeys;
    this.#noun = description.noun;
    // Keyed draws name a model by its address, the same in every run that holds it.
    this.kernel = new EmulatorKernel(options, description.protocol, description.faultErrors, (record) =>
      addressName(this.addressKeys, record),
    );
    this.clock = options.clock;
  }

  /** Answers a request of this engine's wire protocol; undefined for a request to another service. */
  serve(request: WireRequest): WireResponse | undefined {
    const decoded = this.decode(request);
    return decoded === undefined || 'httpStatus' in decoded ? decoded : this.handle(decoded);
  }

  /** Answers one AWS request and records it in the call log. Never throws for service errors. */
  abstract handle(request: T['request']): WireResponse;
  /** A route of this engine only (the kernel's admin API serves the rest); by default it has none. */
  adminRoute(_route: string, _body: unknown): AdminResponse | undefined {
    return undefined;
  }
  /** The admin API's body for one model to seed. */
  abstract readonly seedSchema: z.ZodType<object>;
  /** Creates a model (and what it lives in), ready as `spec` says; replaces one at the same address. */
  abstract seedModel(spec: T['seed']): T['snapshot'];

  /**
   * The API request `request` is, or the protocol's own answer when it is one of this service's
   * that names no operation; undefined for a request to another service.
   */
  protected abstract decode(request: WireRequest): T['request'] | WireResponse | undefined;
  /** Every model the engine holds, in no particular order. */
  protected abstract records(): T['record'][];
  /** The model at `address`, not yet settled; undefined when there is none. */
  protected abstract lookup(address: T['address']): T['record'] | undefined;
  /** What the service shows of a settled model. */
  protected abstract snapshot(record: T['record']): T['snapshot'];
  /** The order `models()` lists models in; by default by each address key in turn, as text. */
  protected compare(a: T['record'], b: T['record']): number {
    for (const key of this.addressKeys) {
      const order = String(a[key as keyof T['record']]).localeCompare(String(b[key as keyof T['record']]));
      if (order !== 0) return order;
    }
    return 0;
  }
  /** Forgets the engine's own state (models, tokens); the kernel's is reset after it. */
  protected abstract forget(): void;

  /** Every model, settled at the current instant, in the service's order. */
  models(): T['snapshot'][] {
    const now = this.clock.now().getTime();
    return this.records()
      .sort((a, b) => this.compare(a, b))
      .map((record) => {
        this.kernel.settle(record, now);
        return this.snapshot(record);
      });
  }

  /** One model settled at the current instant; throws when it does not exist. */
  model(address: T['address']): T['snapshot'] {
    return this.snapshot(this.adminFind(address));
  }

  /** Sets the latencies of one model, or the defaults of every model without its own. */
  setLatencies(latencies: Latencies, address?: T['address']): void {
    if (address) {
      const record = this.adminFind(address);
      record.latencies = { ...record.latencies, ...latencies };
    } else {
      this.kernel.setDefaultLatencies(latencies);
    }
  }

  /** Makes the next `count` accepted starts of a model end in the service's failed status. */
  failNextStarts(address: T['address'], count = 1): void {
    this.adminFind(address).failNextStarts += count;
  }

  /** Answers the next matching requests with a chosen exception (AccessDenied, a quota, …). */
  injectError(spec: InjectedError<T['api'], T['errorType'], T['address']>): void {
    this.kernel.injectError(spec);
  }

  /** Replaces the random faults. */
  setFaults(faults: RandomFaults<T['api']>): void {
    this.kernel.setFaults(faults);
  }

  /** Replaces the per-API quota; buckets start full. */
  setQuota(requestsPerSecond: PerApi<T['api'], number>): void {
    this.kernel.setQuota(requestsPerSecond);
  }

  /** Every AWS request answered so far, oldest first. */
  callLog(): readonly CallRecord<T['api'], T['fields']>[] {
    return this.kernel.callLog();
  }

  /** The billing ledger at the current instant, unit-minutes keyed by each model's address name. */
  ledger(): LedgerReport<T['billed']> {
    // Settling first closes runs whose stop completed or whose start failed before now.
    this.models();
    return this.kernel.ledger((run) => addressName(this.addressKeys, run));
  }

  /** Forgets models, faults, the ledger and the call log; restores the options. The clock stays. */
  reset(): void {
    this.forget();
    this.kernel.reset();
  }

  /** The model at `address`, settled at the current instant; a RangeError (a 400 on the admin API) when none. */
  protected adminFind(address: T['address']): T['record'] {
    const record = this.lookup(address);
    if (!record) {
      throw new RangeError(`no ${this.#noun} ${addressName(this.addressKeys, address)} in the emulator`);
    }
    this.kernel.settle(record, this.clock.now().getTime());
    return record;
  }
}

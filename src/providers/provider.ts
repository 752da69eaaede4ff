import type { StandardRetryStrategy } from '@smithy/util-retry';
import type { ModelHost, ModelRef } from '../hosting/model-host.ts';
import type { Model, ModelKind } from '../schedule/config.ts';
import type { StartPrior } from '../schedule/lead.ts';
import type { IamGrants } from './kit/iam.ts';
import type { StatusTable } from './kit/statuses.ts';

/** Client settings every provider's SDK client takes; the rest is the SDK's own configuration. */
export interface CommonClientOptions {
  /** The service endpoint; unset, the SDK reads `AWS_ENDPOINT_URL_<SERVICE>` / `AWS_ENDPOINT_URL`. */
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly maxAttempts?: number;
  /** How the SDK retries a failed call; unset, its standard strategy. */
  readonly retryStrategy?: StandardRetryStrategy;
}

/**
 * Everything the scheduler knows about one hosting service, and the one contract a provider
 * implements. A provider is a folder under `src/providers/` whose `index.ts` exports one of these;
 * `registry.ts` lists them.
 */
export interface ProviderDefinition<
  Ref extends ModelRef = ModelRef,
  Client = unknown,
  ProviderModel extends Model = Model,
> {
  // Members are methods, so a definition with its own ref and client types is also a
  // `ProviderDefinition` with the defaults: the registry holds them side by side.
  /** The value of `provider` in shifts.yml and in refs. */
  readonly id: Ref['provider'];
  /** The service's name, for people. */
  readonly title: string;
  /** The fields its entries in shifts.yml take, and what such an entry starts and stops. */
  readonly modelKind: ModelKind;
  /** Where a validated entry of this provider lives. */
  refOf(model: ProviderModel): Ref;
  /** Whether `ref` names one of this provider's models. */
  isRef(ref: ModelRef): ref is Ref;
  /** The stable key of a ref, for maps and logs; distinct across providers (it starts with `id`). */
  refKey(ref: Ref): string;
  /** Builds the SDK client, once per process; with no options the SDK's own configuration applies. */
  createClient(options?: CommonClientOptions): Client;
  /** The `ModelHost` adapter over a client. */
  createHost(client: Client): ModelHost;
  /** What each of the service's statuses means to the scheduler. */
  readonly statuses: StatusTable;
  /**
   * How long a start takes (accepted → hosted) before a model has starts on record: the prior a
   * `leadMinutes: auto` lead begins from, a lognormal by median and 95th percentile in minutes.
   */
  readonly startPrior: StartPrior;
  /**
   * Control-plane requests per second per API (start, stop, observe each have their own quota) that
   * the scheduler paces itself to, unless shifts.yml's `providers.<id>.requestsPerSecond` says otherwise.
   */
  readonly requestsPerSecond: number;
  /**
   * The exact IAM grants the functions need to observe, start and stop these models (the
   * provider's entries of one shifts file); packaging spreads them over managed policies.
   */
  iamGrants(models: readonly ProviderModel[]): IamGrants;
}

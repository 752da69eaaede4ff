/**
 * The providers the scheduler can host models with. Everything that depends on the set of
 * providers reads it here: config validation, the Lambdas' hosts, packaging's IAM statements, test
 * support and the contract suites. Adding a provider is one folder and one line below.
 */
import type { ModelHost, ModelRef } from '../hosting/model-host.ts';
import type { Model, SchedulerConfig } from '../schedule/config.ts';
import type { StartPrior } from '../schedule/lead.ts';
import type { IamGrants } from './kit/iam.ts';
import { describeRef } from './kit/refs.ts';
import { lookoutVision } from './lookoutvision/index.ts';
import type { CommonClientOptions, ProviderDefinition } from './provider.ts';
import { rekognition } from './rekognition/index.ts';
import { sageMaker } from './sagemaker/index.ts';

export const providers = [lookoutVision, rekognition, sageMaker] as const;

/** The id of a registered provider. */
export type ProviderId = (typeof providers)[number]['id'];

/** A validated model entry of any registered provider, narrowed by `provider`. */
export type ProviderModel = Parameters<(typeof providers)[number]['refOf']>[0];

/** The ids of the registered providers, in registry order. */
export const providerIds: readonly ProviderId[] = providers.map((provider) => provider.id);

/** The provider registered as `id`, or undefined. */
export const providerOf = (id: string): ProviderDefinition | undefined =>
  providers.find((provider) => provider.id === id);

/**
 * The stable key of a model reference, for maps and logs, as its provider writes it
 * (`lookoutvision:circuit-boards/3`). A ref of no registered provider gets its provider and fields.
 */
export const refKey = (ref: ModelRef): string => {
  const provider = providerOf(ref.provider);
  return provider?.isRef(ref) ? provider.refKey(ref) : describeRef(ref);
};

/**
 * One host per registered provider, each over its own new client: the Lambdas' and the CLI's hosts.
 *
 * @param options - client settings for every provider (an emulator's endpoint, say); none, and each
 *   SDK reads its own configuration (`AWS_ENDPOINT_URL_<SERVICE>`, region, credentials)
 */
export const createHosts = (
  options?: CommonClientOptions,
  onClient?: (client: unknown) => void,
): Record<ProviderId, ModelHost> =>
  Object.fromEntries(
    providers.map((provider: ProviderDefinition) => {
      const client = provider.createClient(options);
      // Lets the caller see each SDK client before use, e.g. to count the calls it sends.
      onClient?.(client);
      return [provider.id, provider.createHost(client)];
    }),
  ) as Record<ProviderId, ModelHost>;

/** Each registered provider's start prior, by provider id: the priors of a `LeadBook`. */
export const startPriors = (): Record<string, StartPrior> =>
  Object.fromEntries(providers.map((provider: ProviderDefinition) => [provider.id, provider.startPrior]));

/**
 * Where a validated model entry lives at its provider.
 *
 * @throws TypeError for an entry of no registered provider (validation refuses those)
 */
export const refOfModel = (model: Model): ModelRef => {
  const provider = providerOf(model.provider);
  if (!provider) throw new TypeError(`model ${model.id}: no provider ${JSON.stringify(model.provider)}`);
  return provider.refOf(model);
};

/**
 * The IAM grants the functions need for the models of a file: each provider's, in registry order,
 * for the providers the file uses (a provider without models gets no statement: an IAM statement
 * without resources is invalid).
 */
export const iamGrantsOf = (config: SchedulerConfig): IamGrants =>
  providers.flatMap((provider: ProviderDefinition) => {
    const models = config.models.filter((model) => model.provider === provider.id);
    return models.length > 0 ? provider.iamGrants(models) : [];
  });

import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { ProviderDefinition } from '../provider.ts';
import { createSageMakerClient } from './client.ts';
import { SageMakerModelHost } from './host.ts';
import { sageMakerIamGrants } from './iam.ts';
import { type SageMakerModel, type SageMakerRef, sageMakerNaming } from './schema.ts';
import { sageMakerStatuses } from './statuses.ts';

/** SageMaker inference components: named by endpoint and component, scaled in copies, no client token. */
export const sageMaker: ProviderDefinition<SageMakerRef, SageMakerClient, SageMakerModel> = {
  createClient: createSageMakerClient,
  createHost: (client) => new SageMakerModelHost(client),
  // Named by endpoint and component, as a project and its version are.
  ...sageMakerNaming,
  // No published per-API figure for these calls: the same pace, configurable per file.
  requestsPerSecond: 5,
  // Words the host reads off a component's status and copy counts, not the service's statuses alone.
  statuses: sageMakerStatuses,
  iamGrants: sageMakerIamGrants,
  // Copies scale up in minutes once an instance is there; scaling out from zero instances takes
  // several minutes more.
  startPrior: { medianMinutes: 8, p95Minutes: 15 },
};

import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { ProviderDefinition } from '../provider.ts';
import { createSageMakerClient } from './client.ts';
import { SageMakerModelHost } from './host.ts';
import { sageMakerIamGrants } from './iam.ts';
import {
  isSageMakerRef,
  type SageMakerModel,
  type SageMakerRef,
  sageMakerModelKind,
  sageMakerRefKey,
  sageMakerRefOf,
} from './schema.ts';
import { sageMakerStatuses } from './statuses.ts';

/** SageMaker inference components: named by endpoint and component, scaled in copies, no client token. */
export const sageMaker: ProviderDefinition<SageMakerRef, SageMakerClient, SageMakerModel> = {
  id: 'sagemaker',
  title: 'SageMaker inference components',
  modelKind: sageMakerModelKind,
  refOf: sageMakerRefOf,
  isRef: isSageMakerRef,
  refKey: sageMakerRefKey,
  createClient: createSageMakerClient,
  createHost: (client) => new SageMakerModelHost(client),
  statuses: sageMakerStatuses,
  iamGrants: sageMakerIamGrants,
};

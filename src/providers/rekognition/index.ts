import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import type { ProviderDefinition } from '../provider.ts';
import { createRekognitionClient } from './client.ts';
import { RekognitionModelHost } from './host.ts';
import { rekognitionIamGrants } from './iam.ts';
import { type RekognitionModel, type RekognitionRef, rekognitionNaming } from './schema.ts';
import { rekognitionStatuses } from './statuses.ts';

/** Amazon Rekognition Custom Labels: versions named by project ARN and version name, no client token. */
export const rekognition: ProviderDefinition<RekognitionRef, RekognitionClient, RekognitionModel> = {
  ...rekognitionNaming,
  createClient: createRekognitionClient,
  createHost: (client) => new RekognitionModelHost(client),
  // No published control-plane quota: the same pace as Lookout for Vision, configurable per file.
  requestsPerSecond: 5,
  statuses: rekognitionStatuses,
  iamGrants: rekognitionIamGrants,
  // The SDK's ProjectVersionRunning waiter allows 20 minutes; starts observed take 10 to 30.
  startPrior: { medianMinutes: 15, p95Minutes: 28 },
};

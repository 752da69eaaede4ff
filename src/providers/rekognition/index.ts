import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import type { ProviderDefinition } from '../provider.ts';
import { createRekognitionClient } from './client.ts';
import { RekognitionModelHost } from './host.ts';
import { isRekognitionRef, type RekognitionRef, rekognitionRefKey } from './schema.ts';
import { rekognitionStatuses } from './statuses.ts';

/** Amazon Rekognition Custom Labels: versions named by project ARN and version name, no client token. */
export const rekognition: ProviderDefinition<RekognitionRef, RekognitionClient> = {
  id: 'rekognition',
  title: 'Rekognition Custom Labels',
  isRef: isRekognitionRef,
  refKey: rekognitionRefKey,
  createClient: createRekognitionClient,
  createHost: (client) => new RekognitionModelHost(client),
  statuses: rekognitionStatuses,
};

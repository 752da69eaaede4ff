import type { LookoutVisionClient } from '@aws-sdk/client-lookoutvision';
import type { ProviderDefinition } from '../provider.ts';
import { createLookoutVisionClient } from './client.ts';
import { LookoutVisionModelHost } from './host.ts';
import { isLookoutVisionRef, type LookoutVisionRef, lookoutVisionRefKey } from './schema.ts';
import { lookoutVisionStatuses } from './statuses.ts';

/** Amazon Lookout for Vision: models named by project and version, started with a client token. */
export const lookoutVision: ProviderDefinition<LookoutVisionRef, LookoutVisionClient> = {
  id: 'lookoutvision',
  title: 'Lookout for Vision',
  isRef: isLookoutVisionRef,
  refKey: lookoutVisionRefKey,
  createClient: createLookoutVisionClient,
  createHost: (client) => new LookoutVisionModelHost(client),
  statuses: lookoutVisionStatuses,
};

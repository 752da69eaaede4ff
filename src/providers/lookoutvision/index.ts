import type { LookoutVisionClient } from '@aws-sdk/client-lookoutvision';
import type { ProviderDefinition } from '../provider.ts';
import { createLookoutVisionClient } from './client.ts';
import { LookoutVisionModelHost } from './host.ts';
import { lookoutVisionIamGrants } from './iam.ts';
import { type LookoutVisionModel, type LookoutVisionRef, lookoutVisionNaming } from './schema.ts';
import { lookoutVisionStatuses } from './statuses.ts';

/** Amazon Lookout for Vision: models named by project and version, started with a client token. */
export const lookoutVision: ProviderDefinition<LookoutVisionRef, LookoutVisionClient, LookoutVisionModel> = {
  ...lookoutVisionNaming,
  createClient: createLookoutVisionClient,
  createHost: (client) => new LookoutVisionModelHost(client),
  // The documented quota: 5 requests per second for each control-plane API.
  requestsPerSecond: 5,
  statuses: lookoutVisionStatuses,
  iamGrants: lookoutVisionIamGrants,
  // AWS documents a start as taking minutes; starts observed take up to about half an hour.
  startPrior: { medianMinutes: 15, p95Minutes: 28 },
};

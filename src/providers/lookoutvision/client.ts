import { LookoutVisionClient, type LookoutVisionClientConfig } from '@aws-sdk/client-lookoutvision';
import { sdkClientDefaults } from '../kit/call-options.ts';

/**
 * A Lookout for Vision client with the kit's defaults (adaptive retries). The endpoint comes from
 * `AWS_ENDPOINT_URL_LOOKOUTVISION` / `AWS_ENDPOINT_URL` through the SDK unless `options.endpoint`
 * is given.
 */
export const createLookoutVisionClient = (options: LookoutVisionClientConfig = {}): LookoutVisionClient =>
  new LookoutVisionClient({ ...sdkClientDefaults, ...options });

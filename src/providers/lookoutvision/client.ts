import { LookoutVisionClient, type LookoutVisionClientConfig } from '@aws-sdk/client-lookoutvision';

/**
 * A Lookout for Vision client with the SDK's adaptive retries (backoff plus client-side rate
 * limiting when throttled), so callers need no retry loop of their own. The endpoint comes from
 * `AWS_ENDPOINT_URL_LOOKOUTVISION` / `AWS_ENDPOINT_URL` through the SDK unless `options.endpoint`
 * is given.
 */
export const createLookoutVisionClient = (options: LookoutVisionClientConfig = {}): LookoutVisionClient =>
  new LookoutVisionClient({ retryMode: 'adaptive', ...options });

import { RekognitionClient, type RekognitionClientConfig } from '@aws-sdk/client-rekognition';

/**
 * A Rekognition client with the SDK's adaptive retries (backoff plus client-side rate limiting when
 * throttled). The endpoint comes from `AWS_ENDPOINT_URL_REKOGNITION` / `AWS_ENDPOINT_URL` through
 * the SDK unless `options.endpoint` is given.
 */
export const createRekognitionClient = (options: RekognitionClientConfig = {}): RekognitionClient =>
  new RekognitionClient({ retryMode: 'adaptive', ...options });

import { RekognitionClient, type RekognitionClientConfig } from '@aws-sdk/client-rekognition';
import { sdkClientDefaults } from '../kit/call-options.ts';

/**
 * A Rekognition client with the kit's defaults (adaptive retries). The endpoint comes from
 * `AWS_ENDPOINT_URL_REKOGNITION` / `AWS_ENDPOINT_URL` through the SDK unless `options.endpoint` is
 * given.
 */
export const createRekognitionClient = (options: RekognitionClientConfig = {}): RekognitionClient =>
  new RekognitionClient({ ...sdkClientDefaults, ...options });

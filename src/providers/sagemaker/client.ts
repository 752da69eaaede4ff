import { SageMakerClient, type SageMakerClientConfig } from '@aws-sdk/client-sagemaker';
import { sdkClientDefaults } from '../kit/call-options.ts';

/**
 * A SageMaker client with the kit's defaults (adaptive retries). The endpoint comes from
 * `AWS_ENDPOINT_URL_SAGEMAKER` / `AWS_ENDPOINT_URL` through the SDK unless `options.endpoint` is given.
 */
export const createSageMakerClient = (options: SageMakerClientConfig = {}): SageMakerClient =>
  new SageMakerClient({ ...sdkClientDefaults, ...options });

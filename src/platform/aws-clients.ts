import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { LookoutVisionClient, type LookoutVisionClientConfig } from '@aws-sdk/client-lookoutvision';
import { RekognitionClient, type RekognitionClientConfig } from '@aws-sdk/client-rekognition';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The one place SDK clients are built. Endpoints come from the SDK's own configuration
 * (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL`) unless a caller passes `endpoint`.
 */

/** Options for {@link createDynamoDbClient}: any SDK client setting; ours are defaults. */
export type DynamoClientOptions = DynamoDBClientConfig;

/**
 * A low-level DynamoDB client with adaptive retries (client-side rate limiting when throttled) and
 * bounded connection and request times, so an unreachable endpoint fails instead of hanging.
 */
export const createDynamoDbClient = (options: DynamoClientOptions = {}): DynamoDBClient =>
  new DynamoDBClient({
    retryMode: 'adaptive',
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
    ...options,
  });

/**
 * A document client (plain JS values in and out) over {@link createDynamoDbClient}; `undefined`
 * properties are dropped rather than rejected, so optional fields can be written as they are.
 */
export const createDynamoDocumentClient = (options: DynamoClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(createDynamoDbClient(options), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });

/**
 * A Lookout for Vision client with the SDK's adaptive retries (backoff plus client-side rate
 * limiting when throttled), so callers need no retry loop of their own. The endpoint comes from
 * `AWS_ENDPOINT_URL_LOOKOUTVISION` / `AWS_ENDPOINT_URL` through the SDK unless `options.endpoint`
 * is given.
 */
export const createLookoutVisionClient = (options: LookoutVisionClientConfig = {}): LookoutVisionClient =>
  new LookoutVisionClient({ retryMode: 'adaptive', ...options });

/**
 * A Rekognition client with the SDK's adaptive retries, as for Lookout for Vision. The endpoint comes
 * from `AWS_ENDPOINT_URL_REKOGNITION` / `AWS_ENDPOINT_URL` through the SDK unless `options.endpoint`
 * is given.
 */
export const createRekognitionClient = (options: RekognitionClientConfig = {}): RekognitionClient =>
  new RekognitionClient({ retryMode: 'adaptive', ...options });

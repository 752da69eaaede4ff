import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The one place the stores' SDK clients are built (each hosting provider builds its own in
 * `src/providers/<id>/client.ts`). Endpoints come from the SDK's own configuration
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

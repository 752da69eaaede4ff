import type { TestProject } from 'vitest/node';
import {
  type DynamoDbLocal,
  isLocalEndpoint,
  startDynamoDbLocal,
} from '../../src/platform/dynamodb-local.ts';

/**
 * vitest globalSetup for the projects that talk to DynamoDB (contract, integration): reuses a local
 * endpoint named by AWS_ENDPOINT_URL_DYNAMODB (or AWS_ENDPOINT_URL), refuses any other, and otherwise
 * starts one DynamoDB Local for the whole run. Tests read the endpoint with `inject('dynamoDbEndpoint')`
 * or from process.env, which the workers inherit.
 */

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
  }
}

interface SharedDynamoDb {
  refs: number;
  readonly ready: Promise<{ endpoint: string; local?: DynamoDbLocal }>;
}

// Each project loads this file on its own; globalThis is what they share within one vitest process.
const sharedKey = Symbol.for('model-shift-scheduler.test.dynamodb');
const registry = globalThis as { [sharedKey]?: SharedDynamoDb };

const acquire = async (): Promise<{ endpoint: string; local?: DynamoDbLocal }> => {
  const configured = process.env.AWS_ENDPOINT_URL_DYNAMODB || process.env.AWS_ENDPOINT_URL;
  if (configured) {
    if (!isLocalEndpoint(configured)) {
      throw new Error(
        `refusing to run tests against ${configured}: AWS_ENDPOINT_URL_DYNAMODB (or AWS_ENDPOINT_URL) must be ` +
          'a local endpoint (localhost, 127.0.0.0/8 or ::1); unset it to let the tests start DynamoDB Local',
      );
    }
    return { endpoint: configured };
  }
  const local = await startDynamoDbLocal();
  return { endpoint: local.endpoint, local };
};

const oneLine = (error: unknown): Error => {
  if (!(error instanceof Error)) return new Error(String(error));
  // vitest prints the stack; for these failures the message alone says what to do.
  error.stack = `${error.name}: ${error.message}`;
  return error;
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let shared = registry[sharedKey];
  if (!shared) {
    shared = { refs: 0, ready: acquire() };
    registry[sharedKey] = shared;
  }
  shared.refs += 1;
  const current = shared;
  let endpoint: string;
  try {
    ({ endpoint } = await current.ready);
  } catch (error) {
    current.refs -= 1;
    if (registry[sharedKey] === current) delete registry[sharedKey];
    throw oneLine(error);
  }

  // Workers start after global setup and inherit this environment: every SDK client they build
  // reaches the local endpoint with placeholder credentials, never a real account.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  process.env.AWS_REGION ||= 'eu-central-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  project.provide('dynamoDbEndpoint', endpoint);

  return async () => {
    current.refs -= 1;
    if (current.refs > 0) return;
    if (registry[sharedKey] === current) delete registry[sharedKey];
    await (await current.ready).local?.stop();
  };
}

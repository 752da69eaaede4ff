import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { exitStatusOf, UsageError } from '../../../src/errors.ts';
import { StoreError, storeCall, toStoreError } from '../../../src/store/store-error.ts';

const metadata = { $metadata: {} };
const networkError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:8000`), { code });

describe('toStoreError', () => {
  it.each([
    [
      'a missing table',
      new ResourceNotFoundException({ message: 'Requested resource not found', ...metadata }),
      'TableMissing',
    ],
    [
      'provisioned throughput exceeded',
      new ProvisionedThroughputExceededException({ message: 'slow', ...metadata }),
      'Throttled',
    ],
    ['throttling', new ThrottlingException({ message: 'slow', ...metadata }), 'Throttled'],
    ['the account request limit', new RequestLimitExceeded({ message: 'slow', ...metadata }), 'Throttled'],
    ['a refused connection', networkError('ECONNREFUSED'), 'Unreachable'],
    ['an unknown host', networkError('ENOTFOUND'), 'Unreachable'],
    ['a connection timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'Unreachable'],
    ['anything else', new Error('boom'), 'Failed'],
  ] as const)('reads %s as %s, naming the table and keeping the cause', (_, error, code) => {
    // Act
    const translated = toStoreError(error, 'runs');

    // Assess
    expect(translated).toBeInstanceOf(StoreError);
    expect(translated.code).toBe(code);
    expect((translated as StoreError).tableName).toBe('runs');
    expect(translated.cause).toBe(error);
    expect(exitStatusOf(translated)).toBe(1);
  });

  it("lets the project's own errors through as they are", () => {
    // Prepare
    const error = new UsageError('bad');

    // Assess
    expect(toStoreError(error, 'runs')).toBe(error);
  });
});

describe('storeCall', () => {
  it('passes through what the caller reads itself, and translates the rest', async () => {
    // Prepare
    const lostRace = new ConditionalCheckFailedException({ message: 'condition', ...metadata });
    const isLostRace = (error: unknown) => error instanceof ConditionalCheckFailedException;

    // Act
    const raced = storeCall('config', () => Promise.reject(lostRace), isLostRace);
    const refused = storeCall('config', () => Promise.reject(networkError('ECONNREFUSED')), isLostRace);

    // Assess
    await expect(raced).rejects.toBe(lostRace);
    await expect(refused).rejects.toMatchObject({
      name: 'StoreError',
      code: 'Unreachable',
      tableName: 'config',
    });
  });

  it('resolves to what the call resolves to', async () => {
    // Assess
    await expect(storeCall('config', async () => 42)).resolves.toBe(42);
  });
});

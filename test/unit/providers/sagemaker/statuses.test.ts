import { describe, expect, it } from 'vitest';
import {
  observedStateOfSageMakerStatus,
  sageMakerComponentStatus,
} from '../../../../src/providers/sagemaker/statuses.ts';

describe('SageMaker component statuses', () => {
  it.each([
    ['InService', 0, 0, 'ScaledToZero', 'stopped'],
    ['Updating', 2, 0, 'ScalingUp', 'starting'],
    ['InService', 2, 1, 'ScalingUp', 'starting'],
    ['InService', 2, 2, 'InService', 'hosted'],
    ['Updating', 1, 2, 'InService', 'hosted'],
    ['Updating', 2, 2, 'Updating', 'updating'],
    ['Updating', 0, 2, 'ScalingDown', 'stopping'],
    ['Failed', 2, 0, 'Failed', 'failed'],
    ['Creating', 0, 0, 'Creating', 'updating'],
    ['Deleting', 0, 0, 'Deleting', 'missing'],
    ['SomethingNew', 0, 0, 'SomethingNew', 'missing'],
  ] as const)(
    'reads %s with %i desired and %i current copies as %s (%s)',
    (status, desired, current, word, state) => {
      // Act
      const read = sageMakerComponentStatus(status, desired, current);

      // Assess
      expect(read).toBe(word);
      expect(observedStateOfSageMakerStatus(read)).toBe(state);
    },
  );
});

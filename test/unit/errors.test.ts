import { describe, expect, it } from 'vitest';
import {
  errorCodeOf,
  exitStatusOf,
  isSchedulerError,
  RuntimeFailure,
  SchedulerError,
  UsageError,
  ValidationError,
} from '../../src/errors.ts';

describe('the error model', () => {
  it.each([
    ['a usage error', new UsageError('--at is required'), 'Usage', 2],
    [
      'invalid input',
      new ValidationError('shifts.yml', [{ path: 'version', message: 'bad' }]),
      'InvalidInput',
      2,
    ],
    ['a failure at run time', new RuntimeFailure('table missing'), 'RuntimeFailure', 1],
  ] as const)('gives %s its code and exit status', (_, error, code, status) => {
    // Assess
    expect(error).toBeInstanceOf(SchedulerError);
    expect(error.code).toBe(code);
    expect(exitStatusOf(error)).toBe(status);
  });

  it('ends anything that is not a scheduler error with a failure at run time', () => {
    // Assess
    expect(exitStatusOf(new Error('boom'))).toBe(1);
    expect(exitStatusOf('boom')).toBe(1);
  });

  it('keeps the cause it was translated from', () => {
    // Prepare
    const cause = new Error('ECONNREFUSED');

    // Act
    const error = new RuntimeFailure('cannot reach DynamoDB', { cause });

    // Assess
    expect(error.cause).toBe(cause);
  });

  it('matches by class and code, never by message', () => {
    // Prepare
    const error = new UsageError('no configuration');

    // Assess
    expect(isSchedulerError(error)).toBe(true);
    expect(isSchedulerError(error, 'Usage')).toBe(true);
    expect(isSchedulerError(error, 'InvalidInput')).toBe(false);
    expect(isSchedulerError(new Error('Usage'))).toBe(false);
  });

  it('names every bad field of invalid input after its source', () => {
    // Act
    const error = new ValidationError('shifts.yml', [
      { path: 'schedules.a.shifts[0].start', message: '"6am" is not HH:MM' },
      { path: '', message: 'not YAML' },
    ]);

    // Assess
    expect(error.message).toBe(
      'shifts.yml: schedules.a.shifts[0].start: "6am" is not HH:MM\nshifts.yml: not YAML',
    );
  });
});

describe('errorCodeOf', () => {
  it('names the innermost scheduler error along the cause chain', () => {
    // Prepare
    const inner = new UsageError('inner');
    const outer = new RuntimeFailure('outer', { cause: new Error('wrapped', { cause: inner }) });

    // Assess
    expect(errorCodeOf(outer)).toBe('Usage');
    expect(errorCodeOf(new RuntimeFailure('alone'))).toBe('RuntimeFailure');
    expect(errorCodeOf(new Error('not ours'))).toBe('Unknown');
  });
});

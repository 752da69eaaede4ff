import { describe, expect, it } from 'vitest';
import { isLocalEndpoint } from '../../../src/platform/dynamodb-local.ts';
import {
  EnvironmentError,
  readTableNames,
  requireEnv,
  requireTableNames,
} from '../../../src/platform/env.ts';

describe('environment readers', () => {
  it('defaults the table names when unset or empty', () => {
    expect(readTableNames({})).toEqual({
      configTable: 'model-shift-scheduler-config',
      runsTable: 'model-shift-scheduler-runs',
    });
    expect(readTableNames({ CONFIG_TABLE_NAME: ' ', RUNS_TABLE_NAME: '' }).runsTable).toBe(
      'model-shift-scheduler-runs',
    );
  });

  it('takes the table names from CONFIG_TABLE_NAME and RUNS_TABLE_NAME', () => {
    expect(readTableNames({ CONFIG_TABLE_NAME: 'c', RUNS_TABLE_NAME: 'r' })).toEqual({
      configTable: 'c',
      runsTable: 'r',
    });
  });

  it('names the missing key', () => {
    expect(() => requireEnv({}, 'RUNS_TABLE_NAME')).toThrow(EnvironmentError);
    expect(() => requireEnv({ RUNS_TABLE_NAME: '' }, 'RUNS_TABLE_NAME')).toThrow(/RUNS_TABLE_NAME/);
    expect(() => requireTableNames({ CONFIG_TABLE_NAME: 'c' })).toThrow(/RUNS_TABLE_NAME/);
    expect(requireEnv({ A: 'x' }, 'A')).toBe('x');
  });
});

describe('local endpoints', () => {
  it.each(['http://localhost:8000', 'http://127.0.0.1:4566', 'http://127.1.2.3', 'http://[::1]:8000'])(
    'accepts %s',
    (url) => {
      expect(isLocalEndpoint(url)).toBe(true);
    },
  );

  it.each([
    'https://dynamodb.eu-central-1.amazonaws.com',
    'http://10.0.0.5:8000',
    'http://127.0.0.1.example.com',
    'http://localhost.example.com',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isLocalEndpoint(url)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { badPathCodeOf } from '../../../src/platform/errors.ts';

describe('badPathCodeOf', () => {
  it.each(['ENOENT', 'EISDIR', 'ENOTDIR', 'ENAMETOOLONG', 'EACCES', 'EPERM', 'ELOOP'])(
    'reads %s as a bad path the user gave',
    (code) => {
      // Act
      const found = badPathCodeOf(Object.assign(new Error('x'), { code }));

      // Assess
      expect(found).toBe(code);
    },
  );

  it.each([['EIO'], ['EMFILE'], [undefined]])('leaves %s to the run-time failures', (code) => {
    // Act
    const found = badPathCodeOf(Object.assign(new Error('x'), { code }));

    // Assess
    expect(found).toBeUndefined();
  });

  it('leaves what is not an error alone', () => {
    // Assess
    expect(badPathCodeOf(undefined)).toBeUndefined();
    expect(badPathCodeOf('ENOENT')).toBeUndefined();
  });
});

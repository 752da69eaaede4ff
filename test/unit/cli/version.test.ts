import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { capture } from '../../support/shiftctl.ts';

const packageVersion = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

describe('shiftctl --version', () => {
  it.each([['--version'], ['-V']])('%s prints the package version and exits 0', async (flag) => {
    // Prepare
    const { io, out, err } = capture();

    // Act
    const status = await main([flag], io);

    // Assess
    expect(out()).toBe(`${packageVersion}\n`);
    expect(err()).toBe('');
    expect(status).toBe(0);
  });
});

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

/** Runs the `npm start` entry point as a child process with its own DynamoDB Local. */
const runDemo = (args: readonly string[]): Promise<{ status: number | null; out: string; err: string }> =>
  new Promise((resolve, reject) => {
    const { AWS_ENDPOINT_URL_DYNAMODB: _reused, ...env } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo/main.ts', ...args], {
      cwd: root,
      env: { ...env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, out, err }));
  });

const portAccepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('npm start', () => {
  it('simulates a day, prints runs, timeline and cost, and stops everything it started', async () => {
    // Act
    const { status, out, err } = await runDemo([
      '--days',
      '1',
      '--from',
      '2027-03-26T00:00:00+01:00',
      '--seed',
      '3',
    ]);
    // Assess
    expect(err).toBe('');
    expect(status).toBe(0);
    for (const heading of ['Runs', 'Timeline', 'Cost']) expect(out).toMatch(new RegExp(`^${heading}$`, 'm'));
    expect(out).toMatch(/^pcb-line-1 +early\+late +2027-03-26 05:40 \+01:00 .* completed$/m);
    // One model per provider, each run through its day.
    expect(out).toMatch(/^label-line-2 +early\+late +2027-03-26 05:40 \+01:00 .* completed$/m);
    expect(out).toMatch(/^defect-copies +day +2027-03-26 06:30 \+01:00 .* completed$/m);
    expect(out).toMatch(/^emulator: +Lookout for Vision, Rekognition Custom Labels, SageMaker /m);
    const report = /^report: +(\S+\.html) /m.exec(out)?.[1] ?? '';
    expect(existsSync(report)).toBe(true);
    for (const model of ['pcb-line-1', 'label-line-2', 'defect-copies'])
      expect(readFileSync(report, 'utf8')).toContain(model);
    expect(out).toMatch(/^Fri 2027-03-26 {2}[·▪▒░█]{96}$/m);
    expect(out).toMatch(/^total .*\$[\d,]+\.\d\d \(\d+ %\)$/m);
    const dynamoPort = Number(/DynamoDB Local on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]);
    const emulatorPort = Number(/^emulator: .* on http:\/\/127\.0\.0\.1:(\d+) /m.exec(out)?.[1]);
    expect(dynamoPort).toBeGreaterThan(0);
    expect(await portAccepts(dynamoPort)).toBe(false);
    expect(await portAccepts(emulatorPort)).toBe(false);
  }, 120_000);

  it('lists its options with --help', async () => {
    const { status, out } = await runDemo(['--help']);
    expect(status).toBe(0);
    for (const option of ['--days', '--speed', '--seed', '--file', '--from']) expect(out).toContain(option);
  }, 30_000);

  it('refuses a bad option with exit status 2', async () => {
    const { status, err } = await runDemo(['--days', 'many']);
    expect(status).toBe(2);
    expect(err).toMatch(/--days takes a whole number/);
  }, 30_000);
});

import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { capture } from '../../support/shiftctl.ts';

const shiftsFile = new URL('../../../shifts.yml', import.meta.url).pathname;
const weekMs = 7 * 24 * 60 * 60 * 1000;

describe('shiftctl plan -f FILE without a range', () => {
  it('plans the coming seven days from now', async () => {
    // Prepare
    const { io, out } = capture();
    const before = Date.now();

    // Act
    const status = await main(['plan', '-f', shiftsFile, '--json'], io);

    // Assess
    const after = Date.now();
    const plan = JSON.parse(out()) as { from: string; to: string };
    expect(status).toBe(0);
    expect(Date.parse(plan.from)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(plan.from)).toBeLessThanOrEqual(after);
    expect(Date.parse(plan.to) - Date.parse(plan.from)).toBe(weekMs);
  });

  it('runs seven days on from --from alone, and up to --to from now', async () => {
    // Prepare
    const from = capture();
    const to = capture();
    const before = Date.now();
    const inTwoDays = new Date(before + 2 * 24 * 60 * 60 * 1000).toISOString();

    // Act
    await main(['plan', '-f', shiftsFile, '--json', '--from', '2027-03-26T00:00:00Z'], from.io);
    await main(['plan', '-f', shiftsFile, '--json', '--to', inTwoDays], to.io);

    // Assess
    expect(JSON.parse(from.out())).toMatchObject({
      from: '2027-03-26T00:00:00.000Z',
      to: '2027-04-02T00:00:00.000Z',
    });
    const untilTo = JSON.parse(to.out()) as { from: string; to: string };
    expect(Date.parse(untilTo.from)).toBeGreaterThanOrEqual(before);
    expect(untilTo.to).toBe(inTwoDays);
  });

  it('states the range in each zone the schedules use, under the UTC range', async () => {
    // Prepare
    const { io, out } = capture();

    // Act
    await main(
      ['plan', '-f', shiftsFile, '--from', '2027-03-26T00:00:00Z', '--to', '2027-04-02T00:00:00Z'],
      io,
    );

    // Assess
    expect(out().split('\n').slice(0, 2)).toEqual([
      'Plan 2027-03-26T00:00:00.000Z → 2027-04-02T00:00:00.000Z',
      '  Europe/Berlin: 2027-03-26 01:00 +01:00 → 2027-04-02 02:00 +02:00',
    ]);
  });
});

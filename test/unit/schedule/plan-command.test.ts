import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { capture } from '../../support/shiftctl.ts';

const fixture = new URL('../../support/fixtures/interface-example.yml', import.meta.url).pathname;

describe('shiftctl plan -f', () => {
  it('prints the documented JSON for the INTERFACE.md example and exits 0', async () => {
    // Prepare
    const { io, out, err } = capture();

    // Act
    const status = await main(
      [
        'plan',
        '-f',
        fixture,
        '--from',
        '2027-03-26T00:00:00Z',
        '--to',
        '2027-03-27T00:00:00Z',
        '--model',
        'pcb-line-1',
        '--json',
      ],
      io,
    );

    // Assess
    expect(err()).toBe('');
    expect(status).toBe(0);
    const plan = JSON.parse(out());
    expect(plan.windows).toEqual([
      {
        model: 'pcb-line-1',
        shift: 'early',
        start: '2027-03-26T05:00:00.000Z',
        end: '2027-03-26T13:00:00.000Z',
        minInferenceUnits: 2,
        maxInferenceUnits: 4,
        schedule: 'weekday-two-shift',
        localDate: '2027-03-26',
      },
      {
        model: 'pcb-line-1',
        shift: 'late',
        start: '2027-03-26T13:00:00.000Z',
        end: '2027-03-26T21:00:00.000Z',
        minInferenceUnits: 1,
        schedule: 'weekday-two-shift',
        localDate: '2027-03-26',
      },
    ]);
    expect(plan.actions[0]).toEqual({
      model: 'pcb-line-1',
      action: 'start',
      at: '2027-03-26T04:40:00.000Z',
      minInferenceUnits: 2,
      maxInferenceUnits: 4,
      runId: 'pcb-line-1@2027-03-26T05:00:00.000Z',
      shift: 'early',
      leadMinutes: 20,
      leadSource: 'fixed',
    });
    expect(plan.actions.map((a: { action: string; at: string }) => `${a.action}@${a.at}`)).toEqual([
      'start@2027-03-26T04:40:00.000Z',
      'stop@2027-03-26T21:00:00.000Z',
    ]);
    expect(plan.totals).toEqual({ inferenceUnitHours: 32.667, cost: 130.67 });
  });

  it('sorts windows of several models by start, then model', async () => {
    // Prepare
    const { io, out } = capture();

    // Act
    await main(
      ['plan', '-f', fixture, '--from', '2027-03-26T00:00:00Z', '--to', '2027-03-28T00:00:00Z', '--json'],
      io,
    );

    // Assess
    const starts = JSON.parse(out()).windows.map(
      (w: { start: string; model: string }) => `${w.start} ${w.model}`,
    );
    expect(starts).toEqual([
      '2027-03-26T05:00:00.000Z pcb-line-1',
      '2027-03-26T13:00:00.000Z pcb-line-1',
      '2027-03-26T21:00:00.000Z night-inspection',
      '2027-03-27T21:00:00.000Z night-inspection',
    ]);
  });

  it('prints a readable table and timeline without --json', async () => {
    // Prepare
    const { io, out } = capture();

    // Act
    const status = await main(
      ['plan', '-f', fixture, '--from', '2027-03-26T00:00:00Z', '--to', '2027-03-27T00:00:00Z'],
      io,
    );

    // Assess
    expect(status).toBe(0);
    expect(out()).toContain(
      '2027-03-26 05:40 +01:00  2027-03-26 04:40Z  pcb-line-1        start     2–4  early',
    );
    expect(out()).toMatch(
      /Fri 2027-03-26 {6}\.+=+#+\.+ {2}early 06:00–14:00 \(2–4\), late 14:00–22:00 \(1\)/,
    );
    expect(out()).not.toContain('\u001b[');
  });

  it('exits 2 naming the file and the field of an invalid file, on stderr', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'plan-'));
    const file = join(dir, 'shifts.yml');
    writeFileSync(file, readFileSync(fixture, 'utf8').replace('start: "06:00"', 'start: "6am"'));
    const { io, out, err } = capture();

    // Act
    const status = await main(
      ['plan', '-f', file, '--from', '2027-03-26T00:00:00Z', '--to', '2027-03-27T00:00:00Z'],
      io,
    );

    // Assess
    expect(status).toBe(2);
    expect(out()).toBe('');
    expect(err()).toContain(`${file}: schedules.weekday-two-shift.shifts[0].start: "6am" is not HH:MM`);
  });

  it.each([
    [
      ['--from', 'yesterday', '--to', '2027-03-27T00:00:00Z'],
      /--from "yesterday" is not an ISO 8601 instant/,
    ],
    // Without --from the range starts now, so a --to in the past is no range.
    [['--to', '2020-01-01T00:00:00Z'], /--from \(now, [^)]+\) is not before --to 2020-01-01T00:00:00Z/],
    [['--from', '2027-03-27T00:00:00Z', '--to', '2027-03-26T00:00:00Z'], /is not before --to/],
    [
      ['--from', '2027-03-26T00:00:00Z', '--to', '2027-03-27T00:00:00Z', '--model', 'nope'],
      /unknown model "nope"/,
    ],
  ])('exits 2 with a usage message for %j', async (args, message) => {
    // Prepare
    const { io, err } = capture();

    // Act
    const status = await main(['plan', '-f', fixture, ...args], io);

    // Assess
    expect(status).toBe(2);
    expect(err()).toMatch(message);
  });

  it('keeps shifts.yml at the repository root identical to the INTERFACE.md example', () => {
    // Act
    const root = readFileSync(new URL('../../../shifts.yml', import.meta.url), 'utf8');

    // Assess
    expect(root).toBe(readFileSync(fixture, 'utf8'));
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseShiftsText } from '../../../src/providers/config.ts';
import { desiredAt } from '../../../src/schedule/desired.ts';
import { at } from './builders.ts';

const config = parseShiftsText(
  readFileSync(new URL('../../support/fixtures/interface-example.yml', import.meta.url), 'utf8'),
  'shifts.yml',
);

describe('desired state of the INTERFACE.md example (Europe/Berlin)', () => {
  it('is on inside the lead before the first shift, and says so', () => {
    // Act: Friday 2027-03-26 05:45 CET, 15 minutes before early, inside the 20-minute lead.
    const desired = desiredAt(config, 'pcb-line-1', at('2027-03-26T04:45:00Z'));

    // Assess
    expect(desired.state).toBe('on');
    expect(desired.reason).toBe('in run from 05:40 to 22:00 (lead of 20 min before shift early at 06:00)');
    expect(desired.run?.runId).toBe('pcb-line-1@2027-03-26T05:00:00.000Z');
    expect(desired.nextChange).toEqual({ at: at('2027-03-26T21:00:00Z'), state: 'off' });
  });

  it('is on during a shift and names it', () => {
    // Act
    const desired = desiredAt(config, 'pcb-line-1', at('2027-03-26T14:00:00Z'));

    // Assess
    expect(desired).toMatchObject({ state: 'on', reason: 'in run from 05:40 to 22:00 (shift late)' });
  });

  it('is off just before the lead, with the start of the lead as the next change', () => {
    // Act
    const desired = desiredAt(config, 'pcb-line-1', at('2027-03-26T04:39:00Z'));

    // Assess
    expect(desired).toEqual({
      state: 'off',
      reason: 'no shift',
      nextChange: {
        at: at('2027-03-26T04:40:00Z'),
        state: 'on',
        lead: { minutes: 20, source: 'fixed', samples: 0 },
      },
    });
  });

  it('is off at the stop instant (runs are half-open)', () => {
    // Act
    const desired = desiredAt(config, 'pcb-line-1', at('2027-03-26T21:00:00Z'));

    // Assess
    expect(desired.state).toBe('off');
  });

  it('is off on a closed day and names the date', () => {
    // Act: Thursday 2026-12-24 10:00 CET would be the early shift.
    const desired = desiredAt(config, 'pcb-line-1', at('2026-12-24T09:00:00Z'));

    // Assess
    expect(desired.state).toBe('off');
    expect(desired.reason).toBe('closed: 2026-12-24 (shift early)');
    // The next run: Monday 2026-12-28 05:40 CET (25th and 26th closed, then the weekend).
    expect(desired.nextChange).toEqual({
      at: at('2026-12-28T04:40:00Z'),
      state: 'on',
      lead: { minutes: 20, source: 'fixed', samples: 0 },
    });
  });

  it('lets an override win until it expires, then follows the schedule', () => {
    // Prepare
    const overrides = [
      {
        model: 'pcb-line-1',
        state: 'off' as const,
        until: at('2027-03-26T08:00:00Z'),
        reason: 'camera swap',
      },
    ];

    // Act
    const during = desiredAt(config, 'pcb-line-1', at('2027-03-26T07:00:00Z'), { overrides });
    const after = desiredAt(config, 'pcb-line-1', at('2027-03-26T08:00:00Z'), { overrides });
    const otherModel = desiredAt(config, 'night-inspection', at('2027-03-26T07:00:00Z'), { overrides });

    // Assess
    expect(during).toEqual({
      state: 'off',
      reason: 'override off until 2027-03-26T08:00:00.000Z: camera swap',
      nextChange: { at: at('2027-03-26T08:00:00Z'), state: 'on' },
    });
    expect(after.state).toBe('on');
    expect(otherModel.reason).toBe('no shift');
  });

  it('follows the schedule before an override was set', () => {
    // Prepare: set at 07:30, off until 08:00
    const overrides = [
      {
        model: 'pcb-line-1',
        state: 'off' as const,
        setAt: at('2027-03-26T07:30:00Z'),
        until: at('2027-03-26T08:00:00Z'),
      },
    ];

    // Act
    const before = desiredAt(config, 'pcb-line-1', at('2027-03-26T07:00:00Z'), { overrides });
    const since = desiredAt(config, 'pcb-line-1', at('2027-03-26T07:30:00Z'), { overrides });

    // Assess
    expect(before.state).toBe('on');
    expect(since.state).toBe('off');
  });

  it('reports the next real change when an override agrees with the schedule at its end', () => {
    // Prepare: on from 03:00 until 06:00 UTC; the schedule is on from 04:40 until 21:00.
    const overrides = [{ model: 'pcb-line-1', state: 'on' as const, until: at('2027-03-26T06:00:00Z') }];

    // Act
    const desired = desiredAt(config, 'pcb-line-1', at('2027-03-26T03:00:00Z'), { overrides });

    // Assess
    expect(desired.state).toBe('on');
    expect(desired.nextChange).toEqual({ at: at('2027-03-26T21:00:00Z'), state: 'off' });
  });

  it('includes the 30-minute lead of a model that overrides the default', () => {
    // Act: Friday 21:35 CET, night starts 22:00, lead 30.
    const desired = desiredAt(config, 'night-inspection', at('2027-03-26T20:35:00Z'));

    // Assess
    expect(desired.state).toBe('on');
    expect(desired.reason).toContain('lead of 30 min before shift night at 22:00');
  });
});

import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  formatBudgetAmount,
  formatBudgetProjection,
  formatBudgetUsed,
  formatDayLabel,
  formatHours,
  formatInZone,
  formatPercent,
  formatShare,
  formatUnits,
  formatUsd,
  formatUtc,
} from '../../../src/cli/format.ts';
import { fridayEarlyStart } from '../../support/instants.ts';

describe('formatUnits', () => {
  it.each([
    [{ minInferenceUnits: 2, maxInferenceUnits: 4 }, '2–4'],
    [{ minInferenceUnits: 1 }, '1'],
    [{ minInferenceUnits: 1, maxInferenceUnits: null }, '1'],
    [{ minInferenceUnits: 3, maxInferenceUnits: 3 }, '3'],
  ])('writes %j as %s', (units, text) => {
    expect(formatUnits(units)).toBe(text);
  });

  it('writes what it is told where there are no units', () => {
    expect(formatUnits({})).toBe('');
    expect(formatUnits({ maxInferenceUnits: 4 }, '-')).toBe('-');
  });
});

describe('money, hours and shares', () => {
  it('writes dollars with thousands separators and cents', () => {
    expect(formatUsd(1344)).toBe('$1,344.00');
    expect(formatUsd(-0.5)).toBe('$-0.50');
  });

  it('writes hours with fixed decimals, rounding half up', () => {
    expect(formatHours(12.345)).toBe('12.35');
    expect(formatHours(80, 1)).toBe('80.0');
  });

  it('writes percentages: a figure to one decimal, a fraction to at most two', () => {
    expect(formatPercent(62.44)).toBe('62.4 %');
    expect(formatPercent(undefined)).toBe('–');
    expect(formatShare(0.99873)).toBe('99.87 %');
    expect(formatShare(1)).toBe('100 %');
  });
});

describe('budgets', () => {
  it('writes an amount in its unit', () => {
    expect(formatBudgetAmount('usd', 244)).toBe('244.00 USD');
    expect(formatBudgetAmount('inferenceUnitHours', 80)).toBe('80.0 unit-h');
  });

  it('writes a projection against its limit with the unit on each side', () => {
    expect(formatBudgetProjection('usd', 244, 200)).toBe('244.00 USD / 200.00 USD (122 %)');
    expect(formatBudgetProjection('inferenceUnitHours', 5, 0)).toBe('5.0 unit-h / 0.0 unit-h (0 %)');
  });

  it('writes what was spent against the limit with the unit once', () => {
    expect(formatBudgetUsed({ unit: 'usd', spent: 312, limit: 500 })).toBe('312.00 / 500.00 USD (62 %)');
    expect(formatBudgetUsed({ unit: 'inferenceUnitHours', spent: 80, limit: 100 })).toBe(
      '80.0 / 100.0 unit-h (80 %)',
    );
  });
});

describe('local dates', () => {
  it('labels a date with its weekday', () => {
    expect(formatDayLabel(Temporal.PlainDate.from('2027-03-26'))).toBe('Fri 2027-03-26');
    expect(formatDayLabel(Temporal.PlainDate.from('2027-03-28'))).toBe('Sun 2027-03-28');
  });
});

describe('instants', () => {
  it('writes the wall clock of a zone with its offset, and UTC compactly', () => {
    expect(formatInZone(fridayEarlyStart, 'Europe/Berlin')).toBe('2027-03-26 06:00 +01:00');
    expect(formatInZone(fridayEarlyStart, 'America/New_York')).toBe('2027-03-26 01:00 -04:00');
    expect(formatUtc(fridayEarlyStart)).toBe('2027-03-26 05:00Z');
  });
});

import { readFileSync } from 'node:fs';
import { parseShiftsText, type ShiftsConfig } from '../../src/providers/config.ts';
import type { RunRecord } from '../../src/store/run-record.ts';

/** The INTERFACE.md example, as shipped in the fixtures. */
export const interfaceExampleText = (): string =>
  readFileSync(new URL('./fixtures/interface-example.yml', import.meta.url), 'utf8');

export const interfaceExample = (): ShiftsConfig =>
  parseShiftsText(interfaceExampleText(), 'interface-example.yml');

/**
 * A YAML document whose aliases expand to a billion nodes (nine levels of ten): what a parser that
 * expands aliases without a budget never finishes reading.
 */
export const yamlAliasBomb = [
  'version: 1',
  'a0: &a0 [x, x, x, x, x, x, x, x, x, x]',
  ...Array.from(
    { length: 8 },
    (_, i) => `a${i + 1}: &a${i + 1} [${Array.from({ length: 10 }, () => `*a${i}`).join(', ')}]`,
  ),
].join('\n');

/** A run record with sensible values; override what the test is about. */
export const aRun = (overrides: Partial<RunRecord> = {}): RunRecord => ({
  model: 'pcb-line-1',
  runId: 'pcb-line-1@2027-03-26T05:00:00.000Z',
  origin: 'schedule',
  schedule: 'weekday-two-shift',
  shifts: ['early'],
  windows: [{ shift: 'early', start: '2027-03-26T05:00:00.000Z', end: '2027-03-26T13:00:00.000Z' }],
  plannedStartAt: '2027-03-26T04:40:00.000Z',
  plannedEndAt: '2027-03-26T13:00:00.000Z',
  minInferenceUnits: 2,
  maxInferenceUnits: 4,
  pricePerInferenceUnitHour: 4,
  outcome: 'scheduled',
  starts: [],
  stops: [],
  errors: [],
  createdAt: '2027-03-26T04:40:00.000Z',
  updatedAt: '2027-03-26T04:40:00.000Z',
  revision: 0,
  ...overrides,
});

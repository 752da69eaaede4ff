import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.ts';
import { parseShiftsText } from '../../../src/providers/config.ts';

const file = (providers: string) =>
  [
    'version: 1',
    'defaults: { timezone: Europe/Berlin }',
    providers,
    'schedules:',
    '  day:',
    '    shifts: [{ name: day, days: mon-fri, start: "06:00", end: "14:00", minInferenceUnits: 1 }]',
    'models:',
    '  - { id: m1, provider: lookoutvision, projectName: p, modelVersion: "1", schedule: day }',
  ].join('\n');

const problems = (text: string): string[] => {
  try {
    parseShiftsText(text, 'shifts.yml');
    return [];
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return error.message.split('\n');
  }
};

describe('per-provider control-plane settings in shifts.yml', () => {
  it('takes a request rate for a registered provider', () => {
    const config = parseShiftsText(file('providers: { lookoutvision: { requestsPerSecond: 2.5 } }'), 's.yml');
    expect(config.providers).toEqual({ lookoutvision: { requestsPerSecond: 2.5 } });
  });

  it('leaves them out when the file says nothing', () => {
    expect(parseShiftsText(file(''), 's.yml').providers).toBeUndefined();
  });

  it('refuses an unknown provider, a rate of zero and an unknown key, naming each path', () => {
    const found = problems(
      file(
        'providers: { lookout: { requestsPerSecond: 5 }, rekognition: { requestsPerSecond: 0 }, sagemaker: { rate: 1 } }',
      ),
    );
    expect(found.some((line) => line.startsWith('shifts.yml: providers') && line.includes('lookout'))).toBe(
      true,
    );
    expect(found).toContain(
      'shifts.yml: providers.rekognition.requestsPerSecond: must be above 0 requests per second',
    );
    expect(found).toContain('shifts.yml: providers.sagemaker.rate: unknown key');
  });
});

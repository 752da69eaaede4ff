import { describe, expect, it } from 'vitest';
import { parseShiftsText } from '../../../../src/providers/config.ts';
import { iamGrantsOf } from '../../../../src/providers/registry.ts';

const fileWith = (model: Readonly<Record<string, string>>, shift = 'minInferenceUnits: 2'): string =>
  [
    'version: 1',
    'defaults: { timezone: Europe/Berlin }',
    'schedules:',
    '  day:',
    `    shifts: [{ name: day, days: mon-fri, start: "06:00", end: "14:00", ${shift} }]`,
    'models:',
    '  - id: line',
    '    schedule: day',
    '    provider: sagemaker',
    ...Object.entries(model).map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`),
  ].join('\n');

const component = { endpointName: 'vision-endpoint', inferenceComponentName: 'Pcb-Defects' };

describe('SageMaker entries of shifts.yml', () => {
  it('takes an endpoint and an inference component, copies as units', () => {
    // Act
    const config = parseShiftsText(fileWith(component), 'shifts.yml');

    // Assess
    expect(config.models[0]).toMatchObject({ provider: 'sagemaker', ...component });
  });

  it('refuses a schedule with maxInferenceUnits, saying why', () => {
    // Act
    const parse = () =>
      parseShiftsText(fileWith(component, 'minInferenceUnits: 2, maxInferenceUnits: 4'), 'shifts.yml');

    // Assess
    expect(parse).toThrow(
      /shifts\.yml: models\[0\]\.schedule: "day" sets maxInferenceUnits \(shifts\[0\]\), which a sagemaker model does not take: .*Application Auto Scaling target, which the scheduler does not manage/,
    );
  });

  it.each([
    ['a leading hyphen', '-pcb'],
    ['a trailing hyphen', 'pcb-'],
    ['an underscore', 'pcb_defects'],
    ['64 characters', 'a'.repeat(64)],
  ])('refuses a name with %s', (_, name) => {
    // Act
    const parse = () =>
      parseShiftsText(fileWith({ ...component, inferenceComponentName: name }), 'shifts.yml');

    // Assess
    expect(parse).toThrow('models[0].inferenceComponentName');
  });

  it('grants scaling and describing on the exact component ARN, and listing alone on "*"', () => {
    // Prepare
    const config = parseShiftsText(fileWith(component), 'shifts.yml');

    // Act
    const grants = iamGrantsOf(config);

    // Assess
    expect(grants).toEqual([
      {
        actions: ['sagemaker:UpdateInferenceComponentRuntimeConfig', 'sagemaker:DescribeInferenceComponent'],
        projects: [
          expect.objectContaining({
            exact: [expect.objectContaining({ key: 'inference-component/pcb-defects' })],
          }),
        ],
      },
      { actions: ['sagemaker:ListInferenceComponents'], fixed: [{ key: '*', resource: '*' }] },
    ]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ValidationError } from '../../../src/errors.ts';
import { parseShiftsText, validateShifts } from '../../../src/providers/config.ts';
import { resolvedModel } from '../../../src/schedule/config.ts';

const exampleText = readFileSync(
  new URL('../../support/fixtures/interface-example.yml', import.meta.url),
  'utf8',
);

// biome-ignore lint/suspicious/noExplicitAny: tests edit the raw document freely, as a user edits YAML.
type Doc = any;

/** The issues validation reports after `edit` changes the INTERFACE.md example. */
const issuesAfter = (edit: (doc: Doc) => void): { path: string; message: string }[] => {
  const doc: Doc = parse(exampleText);
  edit(doc);
  try {
    validateShifts(doc, 'shifts.yml');
  } catch (error) {
    if (error instanceof ValidationError) return [...error.issues];
    throw error;
  }
  return [];
};

const shift0 = (doc: Doc) => doc.schedules['weekday-two-shift'].shifts[0];

describe('parseShiftsText', () => {
  it('accepts the INTERFACE.md example as it is and fills in defaults', () => {
    // Act
    const config = parseShiftsText(exampleText, 'shifts.yml');

    // Assess
    expect(config.models.map((m) => m.id)).toEqual(['pcb-line-1', 'night-inspection']);
    expect(config.schedules['weekday-two-shift']?.unitChange).toBe('keep-highest');
    expect(resolvedModel(config, 'pcb-line-1')).toMatchObject({
      timezone: 'Europe/Berlin',
      leadMinutes: 20,
      pricePerInferenceUnitHour: 4,
    });
    expect(resolvedModel(config, 'night-inspection').leadMinutes).toBe(30);
    expect([...resolvedModel(config, 'pcb-line-1').closedDates]).toEqual([
      '2026-12-24',
      '2026-12-25',
      '2026-12-26',
      '2027-01-01',
    ]);
  });

  it('uses lead 0 and price 4.0 when defaults do not say, and the defaults time zone for a schedule without one', () => {
    // Prepare
    const text = exampleText
      .replace(/ {2}leadMinutes: 20.*\n/, '')
      .replace(/ {2}pricePerInferenceUnitHour: 4.0.*\n/, '')
      .replace(/ {4}timezone: Europe\/Berlin\n {4}calendar/, '    calendar');

    // Act
    const resolved = resolvedModel(parseShiftsText(text, 'shifts.yml'), 'pcb-line-1');

    // Assess
    expect(resolved).toMatchObject({
      leadMinutes: 0,
      pricePerInferenceUnitHour: 4,
      timezone: 'Europe/Berlin',
    });
  });

  it('names the file and the path of a bad time, as INTERFACE.md shows', () => {
    // Act
    const act = () => parseShiftsText(exampleText.replace('start: "06:00"', 'start: "6am"'), 'shifts.yml');

    // Assess
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(
      /^shifts\.yml: schedules\.weekday-two-shift\.shifts\[0\]\.start: "6am" is not HH:MM$/,
    );
  });

  it('reports YAML syntax errors as a validation error of the file', () => {
    // Act
    const act = () => parseShiftsText('version: 1\nschedules: [\n', 'broken.yml');

    // Assess
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(/^broken\.yml: not valid YAML: /);
  });

  it('refuses a key given twice in one mapping', () => {
    // Act
    const act = () =>
      parseShiftsText(exampleText.replace('version: 1\n', 'version: 1\nversion: 1\n'), 'shifts.yml');

    // Assess
    expect(act).toThrow(/not valid YAML: .*[Mm]ap keys must be unique/);
  });

  it('reports every problem of a file at once', () => {
    // Act
    const issues = issuesAfter((doc) => {
      shift0(doc).start = '6am';
      shift0(doc).minInferenceUnits = 5;
      doc.models[1].schedule = 'nowhere';
      doc.models[1].colour = 'red';
    });

    // Assess
    expect(issues).toEqual([
      { path: 'models[1].colour', message: 'unknown key' },
      {
        path: 'models[1].schedule',
        message: 'unknown schedule "nowhere" (schedules: weekday-two-shift, weekend-night)',
      },
      {
        path: 'schedules.weekday-two-shift.shifts[0].minInferenceUnits',
        message: '5 is more than maxInferenceUnits 4',
      },
      { path: 'schedules.weekday-two-shift.shifts[0].start', message: '"6am" is not HH:MM' },
    ]);
  });
});

describe('validation rules, one each, with the path of the field', () => {
  it.each<[string, (doc: Doc) => void, string, string]>([
    ['unknown key at the top', (d) => (d.extra = 1), 'extra', 'unknown key'],
    [
      'unknown key in a shift',
      (d) => (shift0(d).colour = 'red'),
      'schedules.weekday-two-shift.shifts[0].colour',
      'unknown key',
    ],
    ['unknown key in defaults', (d) => (d.defaults.lead = 5), 'defaults.lead', 'unknown key'],
    ['unsupported version', (d) => (d.version = 2), 'version', '2 is not a supported version (1)'],
    [
      'bad IANA time zone',
      (d) => (d.schedules['weekend-night'].timezone = 'Europe/Berlinn'),
      'schedules.weekend-night.timezone',
      '"Europe/Berlinn" is not an IANA time zone (e.g. "Europe/Berlin")',
    ],
    [
      'fixed offset instead of a zone',
      (d) => (d.defaults.timezone = '+01:00'),
      'defaults.timezone',
      '"+01:00" is not an IANA time zone (e.g. "Europe/Berlin")',
    ],
    [
      'missing time zone with no default',
      (d) => {
        delete d.defaults.timezone;
        delete d.schedules['weekend-night'].timezone;
      },
      'schedules.weekend-night.timezone',
      'required: there is no defaults.timezone to fall back on',
    ],
    [
      'hour 24',
      (d) => (shift0(d).end = '24:00'),
      'schedules.weekday-two-shift.shifts[0].end',
      '"24:00" is not HH:MM',
    ],
    [
      'time as a number',
      (d) => (shift0(d).end = 1400),
      'schedules.weekday-two-shift.shifts[0].end',
      'expected string, got 1400',
    ],
    [
      'end equal to start',
      (d) => (shift0(d).end = '06:00'),
      'schedules.weekday-two-shift.shifts[0].end',
      '"06:00" equals start; a shift cannot last 0 or 24 hours',
    ],
    [
      'min above max',
      (d) => (shift0(d).minInferenceUnits = 5),
      'schedules.weekday-two-shift.shifts[0].minInferenceUnits',
      '5 is more than maxInferenceUnits 4',
    ],
    [
      'units below 1',
      (d) => (shift0(d).minInferenceUnits = 0),
      'schedules.weekday-two-shift.shifts[0].minInferenceUnits',
      '0 is not a whole number of at least 1',
    ],
    [
      'fractional units',
      (d) => (shift0(d).maxInferenceUnits = 2.5),
      'schedules.weekday-two-shift.shifts[0].maxInferenceUnits',
      '2.5 is not a whole number of at least 1',
    ],
    [
      'missing units',
      (d) => delete shift0(d).minInferenceUnits,
      'schedules.weekday-two-shift.shifts[0].minInferenceUnits',
      'required',
    ],
    [
      'unknown schedule',
      (d) => (d.models[0].schedule = 'weekdays'),
      'models[0].schedule',
      'unknown schedule "weekdays" (schedules: weekday-two-shift, weekend-night)',
    ],
    [
      'unknown calendar',
      (d) => (d.schedules['weekend-night'].calendar = 'hamburg'),
      'schedules.weekend-night.calendar',
      'unknown calendar "hamburg" (calendars: berlin-plant)',
    ],
    [
      'duplicate model id',
      (d) => (d.models[1].id = 'pcb-line-1'),
      'models[1].id',
      'duplicate id "pcb-line-1" (also models[0])',
    ],
    [
      'duplicate shift name',
      (d) => (d.schedules['weekday-two-shift'].shifts[1].name = 'early'),
      'schedules.weekday-two-shift.shifts[1].name',
      'duplicate shift name "early" (also shifts[0])',
    ],
    [
      'bad model id',
      (d) => (d.models[0].id = 'pcb line'),
      'models[0].id',
      '"pcb line" is not an id (letters, digits, "-", "_", "."; at most 64)',
    ],
    [
      'lookoutvision without projectName',
      (d) => delete d.models[0].projectName,
      'models[0].projectName',
      'required for a lookoutvision model',
    ],
    [
      'lookoutvision with a rekognition field',
      (d) => (d.models[0].projectArn = 'arn:aws:rekognition:eu-west-1:123456789012:project/x/1'),
      'models[0].projectArn',
      'is a rekognition field; a lookoutvision model does not take it',
    ],
    [
      'unquoted modelVersion',
      (d) => (d.models[0].modelVersion = 3),
      'models[0].modelVersion',
      '3 must be quoted: modelVersion is a string such as "3"',
    ],
    [
      'bad modelVersion',
      (d) => (d.models[0].modelVersion = '03'),
      'models[0].modelVersion',
      '"03" is not a model version ("1", "2", … or "latest")',
    ],
    [
      'rekognition without projectArn',
      (d) => {
        d.models[0] = { id: 'r', provider: 'rekognition', versionName: 'v1', schedule: 'weekend-night' };
      },
      'models[0].projectArn',
      'required for a rekognition model',
    ],
    [
      'rekognition with a lookoutvision field',
      (d) => {
        d.models[0] = {
          id: 'r',
          provider: 'rekognition',
          projectArn: 'arn:aws:rekognition:eu-west-1:123456789012:project/parts/1700000000000',
          versionName: 'v1',
          projectName: 'parts',
          schedule: 'weekend-night',
        };
      },
      'models[0].projectName',
      'is a lookoutvision field; a rekognition model does not take it',
    ],
    [
      'unknown provider',
      (d) => (d.models[0].provider = 'vertex-ai'),
      'models[0].provider',
      '"vertex-ai" is not a provider (lookoutvision, rekognition, sagemaker)',
    ],
    [
      'unknown day',
      (d) => (shift0(d).days = 'mon-fry'),
      'schedules.weekday-two-shift.shifts[0].days',
      '"mon-fry" is not a list of days (bad range "mon-fry"; e.g. "mon-fri", "sat,sun", "fri-mon")',
    ],
    [
      'empty days',
      (d) => (shift0(d).days = ''),
      'schedules.weekday-two-shift.shifts[0].days',
      '"" is not a list of days (empty; e.g. "mon-fri", "sat,sun", "fri-mon")',
    ],
    [
      'one-day range',
      (d) => (shift0(d).days = 'mon-mon'),
      'schedules.weekday-two-shift.shifts[0].days',
      '"mon-mon" is not a list of days (range "mon-mon" starts and ends on the same day; e.g. "mon-fri", "sat,sun", "fri-mon")',
    ],
    [
      'impossible closed date',
      (d) => (d.calendars['berlin-plant'].closed[1] = '2027-02-30'),
      'calendars.berlin-plant.closed[1]',
      '"2027-02-30" is not a date YYYY-MM-DD or an inclusive range YYYY-MM-DD..YYYY-MM-DD',
    ],
    [
      'closed range backwards',
      (d) => (d.calendars['berlin-plant'].closed[0] = '2027-01-02..2026-12-24'),
      'calendars.berlin-plant.closed[0]',
      '"2027-01-02..2026-12-24" starts after it ends',
    ],
    ['negative lead', (d) => (d.models[1].leadMinutes = -5), 'models[1].leadMinutes', '-5 is negative'],
    [
      'bad unitChange',
      (d) => (d.schedules['weekend-night'].unitChange = 'switch'),
      'schedules.weekend-night.unitChange',
      '"switch" is not one of keep-highest, restart',
    ],
    [
      'budget with both units',
      (d) => (d.defaults.monthlyBudget = { usd: 100, inferenceUnitHours: 20 }),
      'defaults.monthlyBudget',
      'give exactly one of usd or inferenceUnitHours',
    ],
    [
      'budget not above 0',
      (d) => (d.models[0].monthlyBudget = { usd: 0 }),
      'models[0].monthlyBudget.usd',
      '0 is not above 0',
    ],
    [
      'schedule without shifts',
      (d) => (d.schedules['weekend-night'].shifts = []),
      'schedules.weekend-night.shifts',
      'needs at least one shift',
    ],
  ])('%s', (_rule, edit, path, message) => {
    // Act
    const issues = issuesAfter(edit);

    // Assess
    expect(issues).toEqual([{ path, message }]);
  });

  it('accepts the fields later issues use: budgets, unitChange, prices, leads, rekognition models', () => {
    // Act
    const issues = issuesAfter((d) => {
      d.defaults.monthlyBudget = { usd: 500 };
      d.schedules['weekend-night'].unitChange = 'restart';
      d.schedules['weekend-night'].monthlyBudget = { inferenceUnitHours: 100 };
      d.models[0].pricePerInferenceUnitHour = 3.5;
      d.models[0].monthlyBudget = { usd: 120.5 };
      d.models[0].modelVersion = 'latest';
      d.models.push({
        id: 'parts-rekognition',
        provider: 'rekognition',
        projectArn: 'arn:aws:rekognition:eu-west-1:123456789012:project/parts/1700000000000',
        versionName: 'parts.2024-01-01',
        schedule: 'weekend-night',
        leadMinutes: 0,
      });
    });

    // Assess
    expect(issues).toEqual([]);
  });
});

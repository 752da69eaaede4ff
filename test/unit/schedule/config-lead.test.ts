import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ValidationError } from '../../../src/errors.ts';
import { validateShifts } from '../../../src/providers/config.ts';
import { resolvedModel } from '../../../src/schedule/config.ts';
import { DEFAULT_COVERAGE_TARGET, DEFAULT_MAX_LEAD_MINUTES } from '../../../src/schedule/lead.ts';

const exampleText = readFileSync(
  new URL('../../support/fixtures/interface-example.yml', import.meta.url),
  'utf8',
);

// biome-ignore lint/suspicious/noExplicitAny: tests edit the raw document freely, as a user edits YAML.
type Doc = any;

const edited = (edit: (doc: Doc) => void): Doc => {
  const doc: Doc = parse(exampleText);
  edit(doc);
  return doc;
};

/** The issues validation reports after `edit` changes the INTERFACE.md example. */
const issuesAfter = (edit: (doc: Doc) => void): { path: string; message: string }[] => {
  try {
    validateShifts(edited(edit), 'shifts.yml');
  } catch (error) {
    if (error instanceof ValidationError) return [...error.issues];
    throw error;
  }
  return [];
};

describe('leadMinutes: auto and its settings', () => {
  it('takes auto in defaults, a schedule or a model, the model before the schedule before the defaults', () => {
    // Prepare
    const doc = edited((d) => {
      d.defaults.leadMinutes = 'auto';
      d.defaults.coverageTarget = 0.99;
      d.schedules['weekday-two-shift'].leadMinutes = 'auto';
      d.schedules['weekday-two-shift'].maxLeadMinutes = 45;
      d.schedules['weekend-night'].leadMinutes = 10;
      d.models[1].leadMinutes = 'auto';
      d.models[1].coverageTarget = 0.999;
    });

    // Act
    const config = validateShifts(doc, 'shifts.yml');
    const line = resolvedModel(config, 'pcb-line-1');
    const night = resolvedModel(config, 'night-inspection');

    // Assess
    expect(line).toMatchObject({
      leadMinutes: 'auto',
      coverageTarget: 0.99,
      maxLeadMinutes: 45,
      chainLeadMinutes: 45,
    });
    expect(night).toMatchObject({
      leadMinutes: 'auto',
      coverageTarget: 0.999,
      maxLeadMinutes: DEFAULT_MAX_LEAD_MINUTES,
      chainLeadMinutes: DEFAULT_MAX_LEAD_MINUTES,
    });
  });

  it('a schedule lead applies to its models, and a number keeps its meaning', () => {
    // Prepare
    const config = validateShifts(
      edited((d) => {
        d.schedules['weekday-two-shift'].leadMinutes = 25;
      }),
      'shifts.yml',
    );

    // Act / Assess
    expect(resolvedModel(config, 'pcb-line-1')).toMatchObject({
      leadMinutes: 25,
      chainLeadMinutes: 25,
      coverageTarget: DEFAULT_COVERAGE_TARGET,
    });
    expect(resolvedModel(config, 'night-inspection').leadMinutes).toBe(30);
  });

  it.each([
    [
      'a lead that is a word',
      (d: Doc) => (d.models[0].leadMinutes = 'soon'),
      'models[0].leadMinutes',
      '"soon" is not a whole number of minutes or "auto"',
    ],
    [
      'a schedule lead out of range',
      (d: Doc) => (d.schedules['weekend-night'].leadMinutes = -1),
      'schedules.weekend-night.leadMinutes',
      '-1 is negative',
    ],
    [
      'a coverage target of 1',
      (d: Doc) => {
        d.defaults.leadMinutes = 'auto';
        d.defaults.coverageTarget = 1;
      },
      'defaults.coverageTarget',
      '1 is not a fraction above 0 and below 1 (e.g. 0.995 for 99.5 % of shift minutes)',
    ],
    [
      'a coverage target of 0',
      (d: Doc) => {
        d.schedules['weekend-night'].coverageTarget = 0;
      },
      'schedules.weekend-night.coverageTarget',
      '0 is not a fraction above 0 and below 1 (e.g. 0.995 for 99.5 % of shift minutes)',
    ],
    [
      'a coverage target in percent',
      (d: Doc) => {
        d.models[0].leadMinutes = 'auto';
        d.models[0].coverageTarget = 99.5;
      },
      'models[0].coverageTarget',
      '99.5 is not a fraction above 0 and below 1 (e.g. 0.995 for 99.5 % of shift minutes)',
    ],
    [
      'a coverage target that is text',
      (d: Doc) => {
        d.models[0].coverageTarget = '99%';
      },
      'models[0].coverageTarget',
      'expected number, got "99%"',
    ],
    [
      'a maximum lead above a day',
      (d: Doc) => {
        d.defaults.leadMinutes = 'auto';
        d.defaults.maxLeadMinutes = 1441;
      },
      'defaults.maxLeadMinutes',
      '1441 is above 1440 minutes (1 day), the longest lead the scheduler plans',
    ],
    [
      'a maximum lead in part minutes',
      (d: Doc) => {
        d.schedules['weekend-night'].maxLeadMinutes = 2.5;
      },
      'schedules.weekend-night.maxLeadMinutes',
      '2.5 is not a whole number of minutes',
    ],
    [
      'a coverage target beside a fixed lead',
      (d: Doc) => {
        d.models[1].coverageTarget = 0.99;
      },
      'models[1].coverageTarget',
      'steers only leadMinutes: auto, and leadMinutes here is 30',
    ],
    [
      'a maximum lead beside a fixed lead',
      (d: Doc) => {
        d.defaults.maxLeadMinutes = 40;
      },
      'defaults.maxLeadMinutes',
      'steers only leadMinutes: auto, and leadMinutes here is 20',
    ],
  ])('refuses %s, naming the field', (_case, edit, path, message) => {
    // Act
    const issues = issuesAfter(edit);

    // Assess
    expect(issues).toEqual([{ path, message }]);
  });

  it('lets a model fix its lead while the defaults learn theirs with a target and a bound', () => {
    // Act
    const issues = issuesAfter((d) => {
      d.defaults.leadMinutes = 'auto';
      d.defaults.coverageTarget = 0.99;
      d.defaults.maxLeadMinutes = 40;
    });

    // Assess: night-inspection keeps its own 30.
    expect(issues).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ValidationError } from '../../../src/errors.ts';
import { parseShiftsText, validateShifts } from '../../../src/providers/config.ts';
import {
  MAX_EXPANDED_NODES,
  MAX_INFERENCE_UNITS,
  MAX_LEAD_MINUTES,
  MAX_MONTHLY_BUDGET,
  MAX_PRICE_PER_INFERENCE_UNIT_HOUR,
  resolvedModel,
} from '../../../src/schedule/config.ts';
import { planBetween } from '../../../src/schedule/plan.ts';
import { RUN_LOOK_AHEAD_DAYS, RUN_LOOK_BACK_DAYS, runsBetween } from '../../../src/schedule/runs.ts';
import { yamlAliasBomb } from '../../support/builders.ts';

const exampleText = readFileSync(
  new URL('../../support/fixtures/interface-example.yml', import.meta.url),
  'utf8',
);

// biome-ignore lint/suspicious/noExplicitAny: tests edit the raw document freely, as a user edits YAML.
type Doc = any;

/** The issues validation reports after `edit` changes the INTERFACE.md example (a parsed YAML text). */
const issuesAfter = (edit: (doc: Doc) => void): { path: string; message: string }[] => {
  const doc: Doc = parse(exampleText);
  edit(doc);
  return issuesOfText(stringify(doc));
};

const issuesOfText = (text: string): { path: string; message: string }[] => {
  try {
    parseShiftsText(text, 'shifts.yml');
  } catch (error) {
    if (error instanceof ValidationError) return [...error.issues];
    throw error;
  }
  return [];
};

const paths = (issues: readonly { path: string }[]): string[] => issues.map((issue) => issue.path);

const rekognitionModel = (id: string, versionName: string) => ({
  id,
  provider: 'rekognition',
  projectArn: 'arn:aws:rekognition:eu-west-1:123456789012:project/parts/1700000000000',
  versionName,
  schedule: 'weekend-night',
});

describe('names that JavaScript objects treat specially', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'refuses %s as a schedule, a calendar and a model id, naming each',
    (name) => {
      // Act
      const issues = issuesAfter((d) => {
        // Own keys, as the YAML parser gives them.
        Object.defineProperty(d.schedules, name, {
          value: d.schedules['weekend-night'],
          enumerable: true,
          configurable: true,
          writable: true,
        });
        Object.defineProperty(d.calendars, name, {
          value: { closed: [] },
          enumerable: true,
          configurable: true,
          writable: true,
        });
        d.models[1].schedule = name;
        d.models[0].id = name;
      });

      // Assess
      const quoted = `.${name}`;
      expect(paths(issues)).toEqual(
        expect.arrayContaining([`calendars${quoted}`, 'models[0].id', `schedules${quoted}`]),
      );
      for (const issue of issues.filter(
        (i) => i.path.startsWith('schedules') || i.path.startsWith('calendars'),
      )) {
        expect(issue.message).toMatch(/reserved/);
      }
    },
  );

  it('still accepts names that merely contain such a word', () => {
    // Act
    const issues = issuesAfter((d) => {
      d.schedules['proto-line'] = d.schedules['weekend-night'];
      d.models[1].schedule = 'proto-line';
      d.models[1].id = 'constructor-hall';
    });

    // Assess
    expect(issues).toEqual([]);
  });
});

describe('two entries for one physical model', () => {
  it('refuses two ids for the same Lookout for Vision project and version', () => {
    // Act
    const issues = issuesAfter((d) => {
      d.models[1].projectName = 'circuit-boards';
      d.models[1].modelVersion = '3';
    });

    // Assess
    expect(issues).toEqual([
      {
        path: 'models[1].modelVersion',
        message: 'circuit-boards version "3" is also models[0] (pcb-line-1): one model, one entry',
      },
    ]);
  });

  it('refuses "latest" beside an explicit version of the same project, since both can be one model', () => {
    // Act
    const issues = issuesAfter((d) => {
      d.models[1].projectName = 'circuit-boards';
      d.models[1].modelVersion = 'latest';
    });

    // Assess
    expect(paths(issues)).toEqual(['models[1].modelVersion']);
    expect(issues[0]?.message).toMatch(/"latest" may be the same model as "3" of models\[0\] \(pcb-line-1\)/);
  });

  it('accepts two versions of one project', () => {
    // Act
    const issues = issuesAfter((d) => {
      d.models[1].projectName = 'circuit-boards';
      d.models[1].modelVersion = '4';
    });

    // Assess
    expect(issues).toEqual([]);
  });

  it('refuses two ids for the same Rekognition project ARN and version name, and accepts two versions', () => {
    // Act
    const same = issuesAfter((d) => {
      d.models.push(rekognitionModel('parts-a', 'v1'), rekognitionModel('parts-b', 'v1'));
    });
    const two = issuesAfter((d) => {
      d.models.push(rekognitionModel('parts-a', 'v1'), rekognitionModel('parts-b', 'v2'));
    });

    // Assess
    expect(paths(same)).toEqual(['models[3].versionName']);
    expect(same[0]?.message).toMatch(/is also models\[2\] \(parts-a\)/);
    expect(two).toEqual([]);
  });
});

describe('numeric bounds the engine can honour', () => {
  it('looks back and ahead a week plus the largest lead', () => {
    // Assess
    expect(RUN_LOOK_BACK_DAYS * 24 * 60).toBe(7 * 24 * 60 + MAX_LEAD_MINUTES);
    expect(RUN_LOOK_AHEAD_DAYS).toBe(RUN_LOOK_BACK_DAYS);
  });

  it.each<[string, (d: Doc) => void, string]>([
    ['a huge default lead', (d) => (d.defaults.leadMinutes = 1e12), 'defaults.leadMinutes'],
    [
      'a model lead one above the bound',
      (d) => (d.models[0].leadMinutes = MAX_LEAD_MINUTES + 1),
      'models[0].leadMinutes',
    ],
    [
      'units one above the bound',
      (d) => (d.schedules['weekend-night'].shifts[0].minInferenceUnits = MAX_INFERENCE_UNITS + 1),
      'schedules.weekend-night.shifts[0].minInferenceUnits',
    ],
    [
      'units large enough to overflow',
      (d) => (d.schedules['weekday-two-shift'].shifts[0].maxInferenceUnits = 1e300),
      'schedules.weekday-two-shift.shifts[0].maxInferenceUnits',
    ],
    [
      'a price large enough to overflow',
      (d) => (d.models[0].pricePerInferenceUnitHour = 1e308),
      'models[0].pricePerInferenceUnitHour',
    ],
    [
      'a default price one above the bound',
      (d) => (d.defaults.pricePerInferenceUnitHour = MAX_PRICE_PER_INFERENCE_UNIT_HOUR + 1),
      'defaults.pricePerInferenceUnitHour',
    ],
    [
      'a dollar budget above the bound',
      (d) => (d.defaults.monthlyBudget = { usd: 1e308 }),
      'defaults.monthlyBudget.usd',
    ],
    [
      'a unit-hour budget above the bound',
      (d) => (d.models[0].monthlyBudget = { inferenceUnitHours: MAX_MONTHLY_BUDGET + 1 }),
      'models[0].monthlyBudget.inferenceUnitHours',
    ],
  ])('refuses %s', (_name, edit, path) => {
    // Act
    const issues = issuesAfter(edit);

    // Assess
    expect(paths(issues)).toEqual([path]);
    expect(issues[0]?.message).toMatch(/is (above|more than) .*\d/);
  });

  it('refuses .inf written in YAML', () => {
    // Act
    const issues = issuesOfText(
      exampleText.replace('pricePerInferenceUnitHour: 4.0', 'pricePerInferenceUnitHour: .inf'),
    );

    // Assess
    expect(paths(issues)).toEqual(['defaults.pricePerInferenceUnitHour']);
  });

  it('keeps the cost of the largest numbers finite and the start of the longest lead in every range that holds it', () => {
    // Prepare
    const doc: Doc = parse(exampleText);
    doc.defaults.pricePerInferenceUnitHour = MAX_PRICE_PER_INFERENCE_UNIT_HOUR;
    doc.models[0].leadMinutes = MAX_LEAD_MINUTES;
    doc.schedules['weekday-two-shift'].shifts[0].minInferenceUnits = MAX_INFERENCE_UNITS;
    doc.schedules['weekday-two-shift'].shifts[0].maxInferenceUnits = MAX_INFERENCE_UNITS;
    doc.schedules['weekday-two-shift'].shifts[1].minInferenceUnits = MAX_INFERENCE_UNITS;
    const config = validateShifts(doc, 'shifts.yml');
    const from = new Date('2027-03-01T00:00:00Z');
    const to = new Date('2027-04-01T00:00:00Z');
    const startAt = runsBetween(config, from, to, { model: 'pcb-line-1' }).at(-1)?.startAt;

    // Act
    const plan = planBetween(config, from, to);
    const starts = [0, 1, 24, 24 * 7].map((hours) => {
      const at = startAt?.getTime() ?? 0;
      const runs = runsBetween(config, new Date(at - hours * 3_600_000), new Date(at + 60_000), {
        model: 'pcb-line-1',
      });
      return runs.at(-1)?.startAt;
    });

    // Assess
    expect(Number.isFinite(plan.totals.cost)).toBe(true);
    expect(plan.totals.cost).toBeGreaterThan(0);
    expect(starts).toEqual([startAt, startAt, startAt, startAt]);
  });
});

describe('YAML aliases', () => {
  it('refuses a file whose aliases expand beyond the node budget, naming the file', () => {
    // Act
    const act = () => parseShiftsText(yamlAliasBomb, 'bomb.yml');

    // Assess
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(new RegExp(`^bomb\\.yml: .*more than ${MAX_EXPANDED_NODES} nodes`));
  });

  it('refuses an alias that contains itself', () => {
    // Act
    const act = () => parseShiftsText(`${exampleText}\nloop: &loop [1, *loop]\n`, 'loop.yml');

    // Assess
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(/^loop\.yml: .*refers to itself/);
  });

  it('refuses an alias to no anchor as a validation error of the file', () => {
    // Act
    const act = () =>
      parseShiftsText(exampleText.replace('timezone: Europe/Berlin', 'timezone: *zone'), 'x.yml');

    // Assess
    expect(act).toThrow(ValidationError);
    expect(act).toThrow(/^x\.yml: .*\*zone/);
  });

  it('accepts a legitimate file that uses one anchor more than a hundred times', () => {
    // Prepare
    const lines = ['version: 1', 'defaults:', '  timezone: &zone Europe/Berlin', 'schedules:'];
    for (let i = 0; i < 150; i += 1) {
      lines.push(
        `  s${i}:`,
        '    timezone: *zone',
        '    shifts:',
        `      - {name: early, days: mon-fri, start: "06:00", end: "14:00", minInferenceUnits: 1}`,
      );
    }
    lines.push(
      'models:',
      '  - {id: m, provider: lookoutvision, projectName: p, modelVersion: "1", schedule: s149}',
    );

    // Act
    const config = parseShiftsText(lines.join('\n'), 'shifts.yml');

    // Assess
    expect(Object.keys(config.schedules)).toHaveLength(150);
    expect(config.schedules.s149?.timezone).toBe('Europe/Berlin');
  });
});

describe('names packaging needs', () => {
  it.each<[string, (d: Doc) => void, string]>([
    [
      'a project name with a space and a slash',
      (d) => (d.models[0].projectName = 'my project/x'),
      'models[0].projectName',
    ],
    [
      'a project name starting with "-"',
      (d) => (d.models[0].projectName = '-boards'),
      'models[0].projectName',
    ],
    [
      'a project name of 256 characters',
      (d) => (d.models[0].projectName = 'p'.repeat(256)),
      'models[0].projectName',
    ],
    [
      'a Rekognition version name with a space',
      (d) => d.models.push(rekognitionModel('parts', 'v 1')),
      'models[2].versionName',
    ],
    [
      'a Rekognition project ARN whose name has a space',
      (d) =>
        d.models.push({
          ...rekognitionModel('parts', 'v1'),
          projectArn: 'arn:aws:rekognition:eu-west-1:123456789012:project/my parts/1700000000000',
        }),
      'models[2].projectArn',
    ],
  ])('refuses %s', (_name, edit, path) => {
    // Act
    const issues = issuesAfter(edit);

    // Assess
    expect(paths(issues)).toEqual([path]);
  });

  it("accepts a project name of 255 characters and the service's characters", () => {
    // Act
    const issues = issuesAfter((d) => {
      d.models[0].projectName = `P${'a_-9'.repeat(63)}xy`;
      d.models.push(rekognitionModel('parts', 'parts.2024-01-01_b'));
    });

    // Assess
    expect(issues).toEqual([]);
  });

  it('refuses two schedule names that make the same EventBridge Scheduler entry name', () => {
    // Act
    const issues = issuesAfter((d) => {
      d.schedules['a b'] = d.schedules['weekend-night'];
      d.schedules['a-b'] = d.schedules['weekend-night'];
      d.models[1].schedule = 'a b';
      d.models.push({ ...d.models[1], id: 'other', projectName: 'other', schedule: 'a-b' });
    });

    // Assess
    expect(issues).toEqual([
      {
        path: 'schedules.a-b',
        message: 'makes the same EventBridge Scheduler entry names as schedules["a b"] ("a-b-…")',
      },
    ]);
  });
});

describe('closed-date ranges', () => {
  it('keeps a range of the whole calendar as a range: quick to load, exact to ask', {
    timeout: 2_000,
  }, () => {
    // Prepare
    const text = exampleText.replace('"2026-12-24..2026-12-26"', '"0001-01-01..9999-12-31"');

    // Act
    const { closedDates } = resolvedModel(parseShiftsText(text, 'shifts.yml'), 'pcb-line-1');

    // Assess
    expect(closedDates.size).toBe(3_652_059);
    expect(closedDates.has('0001-01-01')).toBe(true);
    expect(closedDates.has('2027-03-26')).toBe(true);
    expect(closedDates.has('9999-12-31')).toBe(true);
  });

  it('answers for every day around a range and a single date exactly as the expanded list does', () => {
    // Prepare
    const { closedDates } = resolvedModel(parseShiftsText(exampleText, 'shifts.yml'), 'pcb-line-1');
    const days: string[] = [];
    for (let day = Date.UTC(2026, 11, 20); day <= Date.UTC(2027, 0, 3); day += 86_400_000) {
      days.push(new Date(day).toISOString().slice(0, 10));
    }

    // Act
    const closed = days.filter((day) => closedDates.has(day));

    // Assess
    expect(closed).toEqual(['2026-12-24', '2026-12-25', '2026-12-26', '2027-01-01']);
    expect([...closedDates]).toEqual(closed);
    expect(closedDates.size).toBe(4);
  });
});

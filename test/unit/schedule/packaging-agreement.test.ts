import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseShiftsText } from '../../../src/providers/config.ts';

/**
 * Packaging's own entry point, called as osls calls it (`${file(./deploy/shift-schedules.cjs):…}`),
 * without packaging: the files it refuses are exactly the files `apply` and `plan -f` refuse.
 */
type ShiftSchedules = (context: {
  options: { param: string[] };
  resolveVariable: (name: string) => Promise<string>;
}) => Promise<unknown>;
const shiftSchedules = createRequire(import.meta.url)(
  '../../../deploy/shift-schedules.cjs',
) as ShiftSchedules;

const exampleText = readFileSync(
  new URL('../../support/fixtures/interface-example.yml', import.meta.url),
  'utf8',
);
const dir = mkdtempSync(join(tmpdir(), 'packaging-agreement-'));

// biome-ignore lint/suspicious/noExplicitAny: the cases edit the raw document freely, as a user edits YAML.
type Doc = any;

const rekognition = (id: string, projectArn: string, versionName: string) => ({
  id,
  provider: 'rekognition',
  projectArn,
  versionName,
  schedule: 'weekend-night',
});
const ARN = 'arn:aws:rekognition:eu-west-1:123456789012:project/parts/1700000000000';

const cases: [string, (doc: Doc) => void][] = [
  ['the INTERFACE.md example', () => {}],
  ['a project name with a space and a slash', (d) => (d.models[0].projectName = 'my project/x')],
  ['a project name of 255 characters', (d) => (d.models[0].projectName = 'p'.repeat(255))],
  ['a project name of 256 characters', (d) => (d.models[0].projectName = 'p'.repeat(256))],
  ['a project name starting with "_"', (d) => (d.models[0].projectName = '_boards')],
  ['a Rekognition model', (d) => d.models.push(rekognition('parts', ARN, 'parts.2024-01-01'))],
  ['a Rekognition version name with a space', (d) => d.models.push(rekognition('parts', ARN, 'v 1'))],
  ['a Rekognition version name with "*"', (d) => d.models.push(rekognition('parts', ARN, 'v*'))],
  [
    'a Rekognition project ARN with a space in its name',
    (d) => d.models.push(rekognition('parts', ARN.replace('parts', 'my parts'), 'v1')),
  ],
  [
    'a Rekognition project ARN in no region',
    (d) => d.models.push(rekognition('parts', ARN.replace('eu-west-1', 'local'), 'v1')),
  ],
  [
    'two schedules that make the same EventBridge Scheduler names',
    (d) => {
      d.schedules['a b'] = d.schedules['weekend-night'];
      d.schedules['a-b'] = d.schedules['weekend-night'];
      d.models[1].schedule = 'a b';
      d.models.push({ ...d.models[1], id: 'other', projectName: 'other', schedule: 'a-b' });
    },
  ],
  ['no model', (d) => (d.models = [])],
  ['two ids for one model', (d) => d.models.push({ ...d.models[0], id: 'again' })],
];

/** Whether `apply`'s validation accepts the text. */
const applyAccepts = (text: string, file: string): boolean => {
  try {
    parseShiftsText(text, file);
    return true;
  } catch {
    return false;
  }
};

/** Whether packaging accepts the file. */
const packagingAccepts = async (file: string): Promise<boolean> => {
  try {
    await shiftSchedules({
      options: { param: [`shifts=${file}`] },
      resolveVariable: async (name) => (name === 'self:service' ? 'model-shift-scheduler' : 'test'),
    });
    return true;
  } catch {
    return false;
  }
};

describe('apply and packaging accept and refuse the same files', () => {
  it.each(cases)('%s', async (name, edit) => {
    // Prepare
    const doc: Doc = parse(exampleText);
    edit(doc);
    const text = stringify(doc);
    const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.yml`);
    writeFileSync(file, text);

    // Act
    const byApply = applyAccepts(text, file);
    const byPackaging = await packagingAccepts(file);

    // Assess
    expect({ name, byApply }).toEqual({ name, byApply: byPackaging });
  });
});

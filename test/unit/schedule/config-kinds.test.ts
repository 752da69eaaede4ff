import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configRulesFor, type ModelKind, parseConfigText, show } from '../../../src/schedule/config.ts';

/** Two made-up kinds of model: the engine knows providers only through what they state. */
const kinds: readonly ModelKind[] = [
  {
    provider: 'acme',
    fields: {
      endpoint: z.string().regex(/^[a-z]+$/, { error: (issue) => `${show(issue.input)} is not an endpoint` }),
    },
    physicalModel: (entry) =>
      typeof entry.endpoint === 'string'
        ? { project: entry.endpoint, version: 'only', field: 'endpoint', floating: false }
        : undefined,
  },
  {
    provider: 'zenith',
    fields: { bucket: z.string(), release: z.string() },
    physicalModel: (entry) =>
      typeof entry.bucket === 'string' && typeof entry.release === 'string'
        ? {
            project: entry.bucket,
            version: entry.release,
            field: 'release',
            floating: entry.release === 'newest',
          }
        : undefined,
  },
];
const rules = configRulesFor(kinds);

const fileWith = (...models: string[]): string =>
  [
    'version: 1',
    'defaults: { timezone: Europe/Berlin }',
    'schedules:',
    '  day:',
    '    shifts: [{ name: day, days: mon-fri, start: "06:00", end: "14:00", minInferenceUnits: 1 }]',
    'models:',
    ...models.map((model) => `  - { schedule: day, ${model} }`),
  ].join('\n');

const messagesOf = (text: string): string => {
  try {
    parseConfigText(text, 'shifts.yml', rules);
  } catch (error) {
    return String((error as Error).message);
  }
  throw new Error('expected the file to be refused');
};

describe('shifts.yml with the kinds of model it is given', () => {
  it('accepts each kind with its own fields and keeps them on the model', () => {
    const config = parseConfigText(
      fileWith('id: a, provider: acme, endpoint: north', 'id: z, provider: zenith, bucket: b, release: r1'),
      'shifts.yml',
      rules,
    );

    expect(config.models).toMatchObject([
      { id: 'a', provider: 'acme', endpoint: 'north' },
      { id: 'z', provider: 'zenith', bucket: 'b', release: 'r1' },
    ]);
  });

  it('lists the given kinds for an unknown provider', () => {
    expect(messagesOf(fileWith('id: a, provider: other'))).toContain(
      'models[0].provider: "other" is not a provider (acme, zenith)',
    );
  });

  it("names another kind's field as foreign, and a missing field of the kind as required for it", () => {
    const message = messagesOf(fileWith('id: a, provider: acme, endpoint: north, bucket: b'));

    expect(message).toContain('models[0].bucket: is a zenith field; a acme model does not take it');
    expect(messagesOf(fileWith('id: z, provider: zenith, bucket: b'))).toContain(
      'models[0].release: required for a zenith model',
    );
  });

  it('refuses two entries for one physical model as the kind defines it, a floating version included', () => {
    expect(
      messagesOf(
        fileWith('id: a, provider: acme, endpoint: north', 'id: b, provider: acme, endpoint: north'),
      ),
    ).toContain('models[1].endpoint: north version "only" is also models[0] (a): one model, one entry');
    expect(
      messagesOf(
        fileWith(
          'id: a, provider: zenith, bucket: b, release: r1',
          'id: b, provider: zenith, bucket: b, release: newest',
        ),
      ),
    ).toContain('models[1].release: "newest" may be the same model as "r1" of models[0] (a)');
    expect(() =>
      parseConfigText(
        fileWith(
          'id: a, provider: acme, endpoint: north',
          'id: b, provider: zenith, bucket: north, release: only',
        ),
        'shifts.yml',
        rules,
      ),
    ).not.toThrow();
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ObservedState } from '../../../src/hosting/model-host.ts';
import { parseShiftsText } from '../../../src/providers/config.ts';
import { emulators } from '../../../src/providers/emulators.ts';
import type { ProviderDefinition } from '../../../src/providers/provider.ts';
import { iamGrantsOf, providerIds, providers, refKey, refOfModel } from '../../../src/providers/registry.ts';
import { hostHarnesses } from '../../contract/hosts/harness.ts';
import { providers as fixtures } from '../../support/providers.ts';

const src = new URL('../../../src/', import.meta.url);
const providersDir = new URL('providers/', src);

/** Every part a provider's folder holds, besides its emulator. */
const parts = ['index.ts', 'schema.ts', 'client.ts', 'host.ts', 'statuses.ts', 'iam.ts'];

/** The states the scheduler must see a model pass through while it starts and stops it. */
const runStates: readonly ObservedState[] = ['stopped', 'starting', 'hosted', 'stopping'];
const observedStates: readonly ObservedState[] = [...runStates, 'failed', 'updating', 'missing'];

const fixtureOf = (provider: ProviderDefinition) => fixtures.find((fixture) => fixture.id === provider.id);

/** A shifts file with the provider's test models in `slots` (a slot is a physical model), as a user writes it. */
const fileOf = (provider: ProviderDefinition, slots: readonly number[] = [0, 1]): string => {
  const fixture = fixtureOf(provider);
  if (!fixture) throw new Error(`no scenario fixture for ${provider.id}`);
  const entry = (id: string, slot: number) =>
    [
      `  - id: ${id}`,
      '    schedule: day',
      ...Object.entries(fixture.modelFields(slot)).map(
        ([key, value]) => `    ${key}: ${JSON.stringify(value)}`,
      ),
    ].join('\n');
  return [
    'version: 1',
    'defaults: { timezone: Europe/Berlin }',
    'schedules:',
    '  day:',
    '    shifts: [{ name: day, days: mon-fri, start: "06:00", end: "14:00", minInferenceUnits: 1 }]',
    'models:',
    ...slots.map((slot, index) => entry(`model-${index}`, slot)),
  ].join('\n');
};

describe('the provider registry', () => {
  it('lists every provider folder once, under its folder name', () => {
    const folders = readdirSync(providersDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'kit')
      .map((entry) => entry.name);

    expect(new Set(providerIds).size).toBe(providerIds.length);
    expect([...providerIds].sort()).toEqual(folders.sort());
  });

  it('has an emulator and ModelHost contract wiring for exactly the registered providers', () => {
    expect(Object.keys(emulators).sort()).toEqual([...providerIds].sort());
    expect(Object.keys(hostHarnesses).sort()).toEqual([...providerIds].sort());
  });

  it('leaves the schedule engine and packaging free of any provider', () => {
    const texts = [
      ...readdirSync(new URL('schedule/', src)).map((name) =>
        readFileSync(new URL(`schedule/${name}`, src), 'utf8'),
      ),
      readFileSync(new URL('../deploy/shift-schedules.cjs', src), 'utf8'),
    ];

    for (const id of providerIds) {
      for (const text of texts) expect(text).not.toMatch(new RegExp(`\\b${id}\\b`, 'i'));
    }
  });

  describe.each(providers.map((provider: ProviderDefinition) => [provider.id, provider] as const))(
    '%s',
    (id, provider) => {
      it('declares the control-plane rate the scheduler paces its calls to', () => {
        expect(provider.requestsPerSecond).toBeGreaterThan(0);
        expect(Number.isFinite(provider.requestsPerSecond)).toBe(true);
      });

      it('keeps every part in its own folder', () => {
        for (const part of parts) expect(existsSync(new URL(`${id}/${part}`, providersDir)), part).toBe(true);
      });

      it('has a scenario fixture for the shared scenario suites', () => {
        expect(fixtureOf(provider)).toBeDefined();
      });

      it('validates its entries, and names its fields as foreign to every other provider', () => {
        const config = parseShiftsText(fileOf(provider), 'shifts.yml');
        const other = providers.find((candidate: ProviderDefinition) => candidate.id !== id);
        const [field] = Object.keys(provider.modelKind.fields);

        expect(config.models.map((model) => model.provider)).toEqual([id, id]);
        expect(provider.modelKind.provider).toBe(id);
        if (other && field) {
          const foreign = fileOf(provider).replace(`provider: "${id}"`, `provider: "${other.id}"`);
          expect(() => parseShiftsText(foreign, 'shifts.yml')).toThrow(
            `is a ${id} field; a ${other.id} model does not take it`,
          );
        }
      });

      it('refuses two entries for one physical model', () => {
        const text = fileOf(provider, [0, 0]);

        expect(() => parseShiftsText(text, 'shifts.yml')).toThrow('one model, one entry');
      });

      it('refs each entry as its own, keyed with its id, one key per physical model', () => {
        const config = parseShiftsText(fileOf(provider), 'shifts.yml');
        const refs = config.models.map(refOfModel);
        const keys = refs.map(refKey);

        for (const ref of refs) expect(provider.isRef(ref)).toBe(true);
        for (const key of keys) expect(key.startsWith(`${id}:`)).toBe(true);
        expect(new Set(keys).size).toBe(2);
        for (const other of providers) {
          if (other.id !== id) for (const ref of refs) expect(other.isRef(ref)).toBe(false);
        }
      });

      it('builds a client and a host for its models', () => {
        const client = provider.createClient({
          region: 'eu-central-1',
          endpoint: 'http://127.0.0.1:9',
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        }) as { send?: unknown; destroy(): void };
        const host = provider.createHost(client);

        expect(typeof client.send).toBe('function');
        expect(host.provider).toBe(id);
        for (const method of ['observe', 'observeMany', 'start', 'stop'] as const) {
          expect(typeof host[method]).toBe('function');
        }
        client.destroy();
      });

      it('gives every status of its service one of the scheduler states, and has a status for each state of a run', () => {
        const states = Object.values(provider.statuses).map((meaning) => meaning.state);

        for (const state of states) expect(observedStates).toContain(state);
        for (const state of runStates) expect(states).toContain(state);
      });

      it('grants IAM actions of its own service on resources for its models', () => {
        const config = parseShiftsText(fileOf(provider), 'shifts.yml');
        const grants = iamGrantsOf(config);

        expect(grants.length).toBeGreaterThan(0);
        expect(grants).toEqual(provider.iamGrants(config.models));
        for (const grant of grants) {
          expect(grant.actions.length).toBeGreaterThan(0);
          for (const action of grant.actions) expect(action).toMatch(/^[a-z-]+:[A-Za-z]+$/);
          const resources =
            'fixed' in grant ? grant.fixed : grant.projects.flatMap((project) => project.exact);
          expect(resources.length).toBeGreaterThan(0);
        }
      });
    },
  );
});

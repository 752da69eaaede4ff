/**
 * What a pass's outcomes say beyond the decision line, for the metrics: the provider, how late a
 * started shift's model is, and the outcome recorded for the run the pass wrote.
 */
import { describe, expect, it } from 'vitest';
import { type ReconcileDeps, reconcile } from '../../../src/app/reconcile.ts';
import type {
  Accepted,
  ModelHost,
  ModelRef,
  Observation,
  ObservedState,
} from '../../../src/hosting/model-host.ts';
import { parseShiftsText } from '../../../src/providers/config.ts';
import { refKey } from '../../../src/providers/registry.ts';
import { InMemoryConfigRepository } from '../../../src/store/in-memory-config-repository.ts';
import { InMemoryRunRepository } from '../../../src/store/in-memory-run-repository.ts';

const configText = (budget = '') => `
version: 1
defaults:
  timezone: Europe/Berlin
  leadMinutes: 20
  pricePerInferenceUnitHour: 4.0
schedules:
  day:
    shifts:
      - name: day
        days: mon-sun
        start: "06:00"
        end: "14:00"
        minInferenceUnits: 2
models:
  - id: line-1
    provider: lookoutvision
    projectName: line-1
    modelVersion: "1"
    schedule: day
${budget}`;

/** Every model in `state`; starts are accepted. */
class FixedHost implements ModelHost {
  readonly provider = 'lookoutvision' as const;
  readonly supportsClientToken = true;
  constructor(private readonly state: ObservedState) {}
  async observe(ref: ModelRef): Promise<Observation> {
    return { ref, state: this.state };
  }
  async observeMany(refs: readonly ModelRef[]): Promise<Map<string, Observation>> {
    return new Map(refs.map((ref) => [refKey(ref), { ref, state: this.state }]));
  }
  async start(): Promise<Accepted> {
    return { rawStatus: 'STARTING_HOSTING', state: 'starting' };
  }
  async stop(): Promise<Accepted> {
    return { rawStatus: 'STOPPING_HOSTING', state: 'stopping' };
  }
}

const deps = async (state: ObservedState, text = configText()): Promise<ReconcileDeps> => {
  const configs = new InMemoryConfigRepository();
  await configs.apply(parseShiftsText(text, 'shifts.yml'), {
    source: 'shifts.yml',
    appliedAt: '2027-03-01T00:00:00Z',
    expectedVersion: undefined,
  });
  return {
    configs,
    runs: new InMemoryRunRepository(),
    hosts: { lookoutvision: new FixedHost(state) },
    sleep: async () => {},
  };
};

// The shift begins at 06:00 Berlin, 05:00Z on 2027-03-26; its start is due at 04:40Z.
describe('the facts an outcome carries for the metrics', () => {
  it('names the provider and no lateness before the shift begins', async () => {
    const report = await reconcile(await deps('stopped'), { at: new Date('2027-03-26T04:40:00Z') });
    expect(report.outcomes[0]).toMatchObject({ model: 'line-1', provider: 'lookoutvision', action: 'start' });
    expect(report.outcomes[0]?.lateMinutes).toBeUndefined();
  });

  it('counts whole minutes since the shift began while the model is not hosted', async () => {
    const starting = await reconcile(await deps('starting'), { at: new Date('2027-03-26T05:07:30Z') });
    expect(starting.outcomes[0]?.lateMinutes).toBe(7);
    const hosted = await reconcile(await deps('hosted'), { at: new Date('2027-03-26T05:07:30Z') });
    expect(hosted.outcomes[0]?.lateMinutes).toBeUndefined();
  });

  it('gives the outcome recorded for the run it wrote: a budget block', async () => {
    const text = configText().replace(
      '    schedule: day\n',
      '    schedule: day\n    monthlyBudget: { usd: 1 }\n',
    );
    const report = await reconcile(await deps('stopped', text), { at: new Date('2027-03-26T04:40:00Z') });
    expect(report.outcomes[0]).toMatchObject({ action: 'none', recorded: 'budget-blocked', alert: true });
  });
});

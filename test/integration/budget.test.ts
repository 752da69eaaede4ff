import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShiftsConfig } from '../../src/providers/config.ts';
import type { LocalScheduler } from '../../src/simulation/local-scheduler.ts';
import { type SimulationResult, simulate } from '../../src/simulation/simulate.ts';
import { interfaceExample } from '../support/builders.ts';
import type { TestTables } from '../support/dynamodb.ts';
import { type ScheduledTest, startScheduledTest } from '../support/local-scheduler.ts';
import { runShiftctl } from '../support/shiftctl.ts';

// pcb-line-1's weekday run is 05:40–22:00 at 2 units and 4 USD: 16⅓ h × 2 × 4 = 130.67 USD.
// With 200 USD a month, Monday's run fits and Tuesday's (261.33 in all) does not.
const at = (day: string, time: string) => new Date(`2027-03-${day}T${time}:00+01:00`);
const minute = 60_000;

describe('a monthly budget', () => {
  const example = interfaceExample();
  const config: ShiftsConfig = {
    ...example,
    models: example.models.map((model) =>
      model.id === 'pcb-line-1' ? { ...model, monthlyBudget: { usd: 200 } } : model,
    ),
  };
  let test: ScheduledTest;
  let tables: TestTables;
  let local: LocalScheduler;
  let result: SimulationResult;

  beforeAll(async () => {
    test = await startScheduledTest('budget', config, at('01', '00:00'), {
      startLatency: 10 * minute,
      stopLatency: 2 * minute,
    });
    ({ tables, local } = test);
    result = await simulate({
      config,
      deps: local.deps,
      emulator: local.emulator,
      from: at('01', '00:00'),
      to: at('02', '12:00'),
    });
  }, 120_000);

  afterAll(async () => {
    await test?.close();
  });

  it('lets a run start while the month stays within the budget', async () => {
    const [monday] = await local.deps.runs.list('pcb-line-1');
    expect(monday).toMatchObject({ runId: 'pcb-line-1@2027-03-01T05:00:00.000Z', outcome: 'completed' });
  });

  it('blocks the run that would take the month past the budget, records why and raises an alert', async () => {
    // Assess: Tuesday's run is on record as budget-blocked and was never sent to the service
    const runs = await local.deps.runs.list('pcb-line-1');
    expect(runs[1]).toMatchObject({
      runId: 'pcb-line-1@2027-03-02T05:00:00.000Z',
      outcome: 'budget-blocked',
      starts: [],
      note: expect.stringMatching(
        /model budget for 2027-03: 13\d\.\d\d USD spent \+ 130\.67 USD for this run > 200\.00 USD/,
      ),
    });
    const accepted = local.emulator
      .callLog()
      .filter(
        (call) =>
          call.api === 'StartModel' && call.outcome === 'accepted' && call.projectName === 'circuit-boards',
      );
    expect(accepted).toHaveLength(1);
    expect(result.alerts).toEqual([
      expect.objectContaining({ model: 'pcb-line-1', reason: expect.stringMatching(/not started/) }),
    ]);
    // The line runs without its model on Tuesday morning, as the budget wants.
    expect(result.models.find((model) => model.model === 'pcb-line-1')?.lateWindows).toEqual([
      { shift: 'early', start: at('02', '06:00'), minutesLate: null },
    ]);
  });

  it('shows the spending against the budget in the report', async () => {
    const { status, out } = await runShiftctl(
      ['report', '--month', '2027-03', '--json', '--at', at('02', '12:00').toISOString()],
      tables.names,
    );
    expect(status).toBe(0);
    const report = JSON.parse(out) as { budgets: { name: string; spent: number; limit: number }[] };
    const budget = report.budgets.find((line) => line.name === 'pcb-line-1');
    expect(budget).toMatchObject({ limit: 200 });
    expect(budget?.spent).toBeGreaterThan(130);
    expect(budget?.spent).toBeLessThan(200);
  });

  it('gives way to an override that turns the model on', async () => {
    // Prepare: the plant needs the line after all, for the rest of Tuesday's late shift
    await local.deps.configs.setOverride({
      model: 'pcb-line-1',
      state: 'on',
      until: at('02', '22:00').toISOString(),
      reason: 'rush order',
      setAt: at('02', '12:00').toISOString(),
    });
    // Act
    const after = await simulate({
      config,
      deps: local.deps,
      emulator: local.emulator,
      from: at('02', '12:00'),
      to: at('02', '23:00'),
    });
    // Assess
    expect(after.acceptedStarts['pcb-line-1']).toBe(2);
    const runs = await local.deps.runs.list('pcb-line-1');
    // The blocked shift run goes on as its continuation, started despite the budget.
    expect(runs.at(-1)).toMatchObject({
      runId: 'pcb-line-1@2027-03-02T05:00:00.000Z~2',
      outcome: 'completed',
    });
    expect(runs.at(-2)?.outcome).toBe('budget-blocked');
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectBudgets } from '../../../src/app/plan-budgets.ts';
import { main } from '../../../src/cli/main.ts';
import { interfaceExample, interfaceExampleText } from '../../support/builders.ts';
import { capture } from '../../support/shiftctl.ts';

describe('projectBudgets', () => {
  it("projects the whole month of a model's own budget from the plan, whatever part of it is planned", () => {
    // Prepare: pcb-line-1 runs 04:40–21:00 UTC+1/+2 at 2 units on 23 weekdays in March 2027.
    const config = interfaceExample();
    config.models = config.models.map((m) =>
      m.id === 'pcb-line-1' ? { ...m, monthlyBudget: { usd: 500 } } : m,
    );

    // Act
    const budgets = projectBudgets(
      config,
      new Date('2027-03-22T00:00:00Z'),
      new Date('2027-03-29T00:00:00Z'),
    );

    // Assess: 23 days × 16 h 20 min × 2 units × 4 USD.
    expect(budgets).toHaveLength(1);
    expect(budgets[0]).toMatchObject({
      scope: 'model',
      name: 'pcb-line-1',
      models: ['pcb-line-1'],
      month: '2027-03',
      from: new Date('2027-02-28T23:00:00Z'),
      to: new Date('2027-03-31T22:00:00Z'),
      limit: 500,
      unit: 'usd',
      exceeds: true,
    });
    expect(budgets[0]?.projected).toBeCloseTo(23 * (16 + 1 / 3) * 2 * 4, 6);
  });

  it('shows a schedule budget once per month with every model sharing it, for a plan across two months', () => {
    // Prepare: two models on weekend-night share 100 unit-hours.
    const config = interfaceExample();
    const night = config.schedules['weekend-night'];
    if (night) config.schedules['weekend-night'] = { ...night, monthlyBudget: { inferenceUnitHours: 100 } };
    config.models.push({
      id: 'night-inspection-2',
      provider: 'lookoutvision',
      projectName: 'weld-seams',
      modelVersion: '2',
      schedule: 'weekend-night',
      leadMinutes: 30,
    });

    // Act
    const budgets = projectBudgets(
      config,
      new Date('2027-03-29T00:00:00Z'),
      new Date('2027-04-05T00:00:00Z'),
      {
        model: 'night-inspection',
      },
    );

    // Assess: April 2027 has 12 whole nights of 8.5 h (21:30–06:00) and the 30th's night until midnight, 2.5 h.
    expect(budgets.map((b) => `${b.scope}:${b.name}:${b.month}`)).toEqual([
      'schedule:weekend-night:2027-03',
      'schedule:weekend-night:2027-04',
    ]);
    expect(budgets[1]?.models).toEqual(['night-inspection', 'night-inspection-2']);
    expect(budgets[1]?.unit).toBe('inferenceUnitHours');
    expect(budgets[1]?.projected).toBeCloseTo(2 * (12 * 8.5 + 2.5), 6);
    expect(budgets[1]?.exceeds).toBe(true);
  });

  it('has nothing to show without budgets', () => {
    expect(
      projectBudgets(interfaceExample(), new Date('2027-03-01T00:00:00Z'), new Date('2027-03-02T00:00:00Z')),
    ).toEqual([]);
  });
});

describe('shiftctl plan with budgets', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const withBudget = () => {
    const dir = mkdtempSync(join(tmpdir(), 'shiftctl-plan-budget-'));
    dirs.push(dir);
    const file = join(dir, 'shifts.yml');
    writeFileSync(
      file,
      interfaceExampleText().replace(
        '    schedule: weekday-two-shift\n',
        '    schedule: weekday-two-shift\n    monthlyBudget:\n      usd: 5000\n',
      ),
    );
    return file;
  };
  const range = ['--from', '2027-03-26T00:00:00Z', '--to', '2027-03-27T00:00:00Z'];

  it('adds the projected month against the budget to --json and keeps the documented fields', async () => {
    // Prepare
    const { io, out, err } = capture();

    // Act
    const status = await main(['plan', '-f', withBudget(), ...range, '--model', 'pcb-line-1', '--json'], io);

    // Assess
    expect(err()).toBe('');
    expect(status).toBe(0);
    const plan = JSON.parse(out());
    expect(plan.totals).toEqual({ inferenceUnitHours: 32.667, cost: 130.67 });
    expect(plan.windows).toHaveLength(2);
    expect(plan.budgets).toEqual([
      {
        scope: 'model',
        name: 'pcb-line-1',
        models: ['pcb-line-1'],
        month: '2027-03',
        from: '2027-02-28T23:00:00.000Z',
        to: '2027-03-31T22:00:00.000Z',
        projected: 3005.33,
        limit: 5000,
        unit: 'usd',
        exceeds: false,
      },
    ]);
  });

  it('prints a budget line for people', async () => {
    // Prepare
    const { io, out } = capture();

    // Act
    const status = await main(['plan', '-f', withBudget(), ...range], io);

    // Assess
    expect(status).toBe(0);
    expect(out()).toMatch(/Budgets \(projected whole-month total/);
    expect(out()).toMatch(/pcb-line-1 +2027-03 +3005\.33 USD \/ 5000\.00 USD \(60 %\) +within budget/);
  });
});

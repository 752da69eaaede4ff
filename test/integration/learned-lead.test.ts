/**
 * `leadMinutes: auto` end to end: starts recorded in DynamoDB Local give pcb-line-1 a learned lead,
 * which `plan` (from the config table), `status`, `tick` and `runs` all show alike.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/app/apply-config.ts';
import { parseShiftsText } from '../../src/providers/config.ts';
import { type LocalScheduler, startLocalScheduler } from '../../src/simulation/local-scheduler.ts';
import type { RunRecord } from '../../src/store/run-record.ts';
import { aRun, interfaceExampleText } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/dynamodb.ts';
import { runShiftctl } from '../support/shiftctl.ts';

// pcb-line-1 learns its lead; night-inspection keeps its 30 minutes.
const autoExample = () =>
  parseShiftsText(
    interfaceExampleText().replace(
      'schedule: weekday-two-shift',
      'schedule: weekday-two-shift\n    leadMinutes: auto',
    ),
    'shifts.yml',
  );

// Friday 2027-03-26 (CET): early 06:00 (05:00Z) and late run on until 22:00, one 960-minute run.
const fridayMorning = '2027-03-26T03:00:00Z';
const shiftStart = Date.parse('2027-03-26T05:00:00Z');

/** Minutes each recorded start took (accepted → HOSTED); the third was retried after HOSTING_FAILED. */
const recorded = [11, 12, 10, 28, 13, 12, 14, 11, 12, 13];

/** Completed runs of pcb-line-1 on the weekdays before, each with its start as recorded. */
const history = (): RunRecord[] => {
  const days = ['03-12', '03-15', '03-16', '03-17', '03-18', '03-19', '03-22', '03-23', '03-24', '03-25'];
  return days.map((day, index) => {
    const start = `2027-${day}T05:00:00.000Z`;
    const accepted = Date.parse(`2027-${day}T04:40:00.000Z`);
    const minutes = recorded[index] ?? 0;
    const retried = index === 3;
    return aRun({
      runId: `pcb-line-1@${start}`,
      windows: [{ shift: 'early', start, end: `2027-${day}T13:00:00.000Z` }],
      plannedStartAt: new Date(accepted).toISOString(),
      plannedEndAt: `2027-${day}T21:00:00.000Z`,
      outcome: 'completed',
      starts: [
        {
          attempt: 1,
          clientToken: `t-${index}-1`,
          intendedAt: new Date(accepted).toISOString(),
          acceptedAt: new Date(accepted).toISOString(),
        },
        ...(retried
          ? [
              {
                attempt: 2,
                clientToken: `t-${index}-2`,
                intendedAt: new Date(accepted + 15 * 60_000).toISOString(),
                acceptedAt: new Date(accepted + 15 * 60_000).toISOString(),
              },
            ]
          : []),
      ],
      hostedAt: new Date(accepted + minutes * 60_000).toISOString(),
      stoppedAt: `2027-${day}T21:05:00.000Z`,
    });
  });
};

const opened: { tables: TestTables; local: LocalScheduler }[] = [];

afterEach(async () => {
  for (const { tables, local } of opened.splice(0)) {
    await local.close();
    await tables.drop();
  }
});

const scheduler = async () => {
  const tables = await createTestTables('lead');
  const config = autoExample();
  const local = await startLocalScheduler({
    config,
    start: new Date(fridayMorning),
    documents: tables.client,
    tables: tables.names,
    startLatency: 10 * 60_000,
    stopLatency: 2 * 60_000,
  });
  opened.push({ tables, local });
  await applyConfig(local.deps.configs, config, { source: 'shifts.yml', at: new Date(fridayMorning) });
  for (const run of history()) await local.deps.runs.create(run);
  const at = (instant: string, argv: readonly string[]) => {
    local.clock.set(instant);
    return runShiftctl([...argv, '--at', instant], tables.names);
  };
  return { tables, local, at };
};

interface PlanJson {
  runs: {
    model: string;
    runId: string;
    startAt: string;
    leadMinutes: number;
    leadSource: string;
    leadSamples?: number;
  }[];
  actions: { model: string; action: string; at: string; leadMinutes?: number; leadSource?: string }[];
}

describe('a learned lead from recorded starts', () => {
  it('plan, status, tick and runs show the same learned lead, and the run keeps its id', async () => {
    // Prepare
    const { tables, at } = await scheduler();
    const range = ['--from', '2027-03-26T00:00:00Z', '--to', '2027-03-27T00:00:00Z'];

    // Act: plan from the config table, as a table and as JSON.
    const table = await runShiftctl(['plan', ...range], tables.names);
    const json = await runShiftctl(['plan', ...range, '--json'], tables.names);

    // Assess
    expect(table.status).toBe(0);
    expect(json.status).toBe(0);
    const plan = JSON.parse(json.out) as PlanJson;
    const run = plan.runs.find((candidate) => candidate.model === 'pcb-line-1');
    if (!run) throw new Error('no pcb-line-1 run planned');
    expect(run).toMatchObject({
      runId: 'pcb-line-1@2027-03-26T05:00:00.000Z',
      leadSource: 'learned',
      leadSamples: recorded.length,
    });
    // Starts of 10 to 28 minutes; a 16-hour run may miss 0.5 % of its 960 minutes.
    expect(run.leadMinutes).toBeGreaterThan(0);
    expect(run.leadMinutes).toBeLessThan(20);
    expect(Date.parse(run.startAt)).toBe(shiftStart - run.leadMinutes * 60_000);
    const startRow = table.out.split('\n').find((line) => /pcb-line-1\s+start/.test(line));
    expect(startRow).toContain(`${run.leadMinutes} min (learned from ${recorded.length} starts, q=`);
    expect(table.out).toContain('lead auto (99.5 % of shift minutes, at most 60 min)');
    const night = plan.actions.find(
      (action) => action.model === 'night-inspection' && action.action === 'start',
    );
    expect(night).toMatchObject({ leadMinutes: 30, leadSource: 'fixed' });

    // Act: status just before the start, the tick at it, and the runs it recorded.
    const before = new Date(Date.parse(run.startAt) - 60_000).toISOString();
    const status = await at(before, ['status', '--json']);
    const statusText = await at(before, ['status']);
    const tick = await at(run.startAt, ['tick', '--json']);
    const runs = await runShiftctl(
      ['runs', '--model', 'pcb-line-1', '--since', '2027-03-26T00:00:00Z', '--json'],
      tables.names,
    );
    const runsText = await runShiftctl(
      ['runs', '--model', 'pcb-line-1', '--since', '2027-03-26T00:00:00Z'],
      tables.names,
    );

    // Assess
    const pcbStatus = (
      JSON.parse(status.out) as { models: { model: string; next: Record<string, unknown> | null }[] }
    ).models.find((model) => model.model === 'pcb-line-1');
    expect(pcbStatus?.next).toMatchObject({
      action: 'start',
      at: new Date(run.startAt).toISOString(),
      leadMinutes: run.leadMinutes,
      leadSource: 'learned',
      leadSamples: recorded.length,
    });
    expect(statusText.out).toContain(
      `lead ${run.leadMinutes} min (learned from ${recorded.length} starts, q=`,
    );
    const outcome = (
      JSON.parse(tick.out) as { outcomes: { model: string; result: string; runId?: string }[] }
    ).outcomes.find((model) => model.model === 'pcb-line-1');
    expect(outcome).toMatchObject({ result: 'sent', runId: run.runId });
    const recordedRun = (JSON.parse(runs.out) as { runs: Record<string, unknown>[] }).runs.find(
      (candidate) => candidate.runId === run.runId,
    );
    expect(recordedRun).toMatchObject({
      leadMinutes: run.leadMinutes,
      leadSource: 'learned',
      leadSamples: recorded.length,
    });
    expect(runsText.out).toMatch(
      new RegExp(
        `pcb-line-1\\s+early\\+late\\s+\\S+ \\S+ \\S+\\s+${run.leadMinutes} min \\(learned from 10 starts`,
      ),
    );
  });

  it('plan -f, with no record to read, follows the provider prior', async () => {
    // Prepare
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'lead-')), 'shifts.yml');
    writeFileSync(
      file,
      interfaceExampleText().replace(
        'schedule: weekday-two-shift',
        'schedule: weekday-two-shift\n    leadMinutes: auto',
      ),
    );

    // Act
    const json = await runShiftctl([
      'plan',
      '-f',
      file,
      '--from',
      '2027-03-26T00:00:00Z',
      '--to',
      '2027-03-27T00:00:00Z',
      '--json',
    ]);

    // Assess
    expect(json.status).toBe(0);
    const run = (JSON.parse(json.out) as PlanJson).runs.find((candidate) => candidate.model === 'pcb-line-1');
    expect(run).toMatchObject({ leadSource: 'prior', leadSamples: 0 });
  });
});

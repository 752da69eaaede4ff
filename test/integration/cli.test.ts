/**
 * shiftctl end to end, in-process: every command against DynamoDB Local, and against the Lookout for
 * Vision emulator where a command observes models. The CLI takes its instant from `--at`; the
 * emulator's clock is virtual, so each call moves it to the same instant first.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/app/apply-config.ts';
import { type LocalScheduler, startLocalScheduler } from '../../src/simulation/local-scheduler.ts';
import { interfaceExample, interfaceExampleText } from '../support/builders.ts';
import { createLocalDynamoDbClient, createTestTables, type TestTables } from '../support/dynamodb.ts';
import { runShiftctl } from '../support/shiftctl.ts';

// Friday 2027-03-26 in Berlin (+01:00): pcb-line-1 starts 05:40 (04:40Z) for early + late until 22:00;
// night-inspection starts 21:30 (20:30Z). Saturday 2027-03-27 pcb-line-1 has no shift.
const pcbStart = '2027-03-26T04:40:00Z';
const fridayMorning = '2027-03-26T04:00:00Z';
const saturdayMorning = '2027-03-27T09:00:00Z';
const utcInstant = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const pcb = { projectName: 'circuit-boards', modelVersion: '3' };

let dir: string;
let shiftsFile: string;
let invalidFile: string;
let changedFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shiftctl-cli-'));
  shiftsFile = join(dir, 'shifts.yml');
  writeFileSync(shiftsFile, interfaceExampleText());
  invalidFile = join(dir, 'invalid.yml');
  writeFileSync(invalidFile, interfaceExampleText().replace('start: "06:00"', 'start: "6am"'));
  changedFile = join(dir, 'changed.yml');
  writeFileSync(
    changedFile,
    interfaceExampleText().replace(
      'schedule: weekday-two-shift',
      'schedule: weekday-two-shift\n    leadMinutes: 25',
    ),
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const opened: { tables: TestTables; local?: LocalScheduler }[] = [];

afterEach(async () => {
  for (const { tables, local } of opened.splice(0)) {
    await local?.close();
    await tables.drop();
  }
});

/** Empty tables of this test, no configuration applied. */
const emptyTables = async (): Promise<TestTables> => {
  const tables = await createTestTables('cli');
  opened.push({ tables });
  return tables;
};

/** Tables with the example applied (version 1) and an emulator holding its models, TRAINED, at `start`. */
const scheduler = async (start: string, options: { apply?: boolean } = {}) => {
  const tables = await createTestTables('cli');
  const local = await startLocalScheduler({
    config: interfaceExample(),
    start: new Date(start),
    documents: tables.client,
    tables: tables.names,
    startLatency: 10 * 60_000,
    stopLatency: 2 * 60_000,
  });
  opened.push({ tables, local });
  if (options.apply ?? true) {
    await applyConfig(local.deps.configs, interfaceExample(), { source: 'shifts.yml', at: new Date(start) });
  }
  /** Runs shiftctl with `--at ISO` and the emulator's clock at the same instant. */
  const at = (instant: string, argv: readonly string[]) => {
    local.clock.set(instant);
    return runShiftctl([...argv, '--at', instant], tables.names);
  };
  return { tables, local, at };
};

const acceptedStarts = (local: LocalScheduler, address: typeof pcb) =>
  local.emulator
    .callLog()
    .filter(
      (call) =>
        call.api === 'StartModel' &&
        call.outcome === 'accepted' &&
        call.projectName === address.projectName &&
        call.modelVersion === address.modelVersion,
    );

describe('shiftctl tables create', () => {
  const admin = createLocalDynamoDbClient();
  const base = `cli-tables-${randomUUID().slice(0, 8)}`;
  const names = { configTable: `${base}-config`, runsTable: `${base}-runs` };

  afterAll(async () => {
    for (const TableName of [names.configTable, names.runsTable]) {
      await admin.send(new DeleteTableCommand({ TableName })).catch(() => {});
    }
    admin.destroy();
  });

  it('creates both tables the first time and leaves them alone the second time', async () => {
    // Act
    const first = await runShiftctl(['tables', 'create'], names);
    const second = await runShiftctl(['tables', 'create'], names);
    // Assess
    expect(first.status).toBe(0);
    expect(first.out).toContain(`${names.configTable}: created (ACTIVE`);
    expect(first.out).toContain(`${names.runsTable}: created (ACTIVE`);
    expect(second.status).toBe(0);
    expect(second.out).toContain(`${names.configTable}: exists, left alone`);
    expect(second.out).toContain(`${names.runsTable}: exists, left alone`);
  });
});

describe('shiftctl apply', () => {
  it('refuses an invalid file with exit 2, naming the file and the field, and writes nothing', async () => {
    // Prepare
    const tables = await emptyTables();
    // Act
    const applied = await runShiftctl(['apply', '-f', invalidFile], tables.names);
    const status = await runShiftctl(['status', '--at', pcbStart], tables.names);
    // Assess
    expect(applied.status).toBe(2);
    expect(applied.err).toContain(
      `${invalidFile}: schedules.weekday-two-shift.shifts[0].start: "6am" is not HH:MM`,
    );
    expect(applied.out).toBe('');
    expect(status.status).toBe(1);
    expect(status.err).toMatch(/no configuration has been applied yet: run `shiftctl apply -f shifts.yml`/);
  });

  it('prints the changes of a dry run and writes nothing', async () => {
    // Prepare
    const tables = await emptyTables();
    // Act
    const dryRun = await runShiftctl(['apply', '-f', shiftsFile, '--dry-run'], tables.names);
    const tick = await runShiftctl(['tick', '--at', pcbStart], tables.names);
    // Assess
    expect(dryRun.status).toBe(0);
    expect(dryRun.out.split('\n')).toEqual(
      expect.arrayContaining([
        '+ defaults defaults (leadMinutes, pricePerInferenceUnitHour, timezone)',
        '+ calendar berlin-plant',
        '+ schedule weekday-two-shift',
        '+ schedule weekend-night',
        '+ model night-inspection',
        '+ model pcb-line-1',
        'dry run: 6 change(s), nothing written',
      ]),
    );
    expect(tick.status).toBe(1);
    expect(tick.err).toMatch(/no configuration has been applied yet/);
  });

  it('writes version 1, reports no changes for the same file, and shows a changed lead time in a dry run', async () => {
    // Prepare
    const tables = await emptyTables();
    // Act
    const first = await runShiftctl(['apply', '-f', shiftsFile], tables.names);
    const again = await runShiftctl(['apply', '-f', shiftsFile], tables.names);
    const changed = await runShiftctl(['apply', '-f', changedFile, '--dry-run'], tables.names);
    const changedJson = await runShiftctl(['apply', '-f', changedFile, '--dry-run', '--json'], tables.names);
    // Assess
    expect(first.status).toBe(0);
    expect(first.out).toContain(`applied ${shiftsFile} as version 1 (6 change(s))`);
    expect(again.status).toBe(0);
    expect(again.out.trim()).toBe('no changes: version 1 stays in force');
    expect(changed.status).toBe(0);
    expect(changed.out.trim().split('\n')).toEqual([
      '~ model pcb-line-1 (leadMinutes)',
      'dry run: 1 change(s), nothing written',
    ]);
    expect(JSON.parse(changedJson.out)).toEqual({
      dryRun: true,
      previousVersion: 1,
      version: 1,
      changes: [{ kind: 'model', name: 'pcb-line-1', change: 'changed', fields: ['leadMinutes'] }],
    });
  });
});

describe('shiftctl tick', () => {
  it('prints one line per model with what it desired, observed, did and why, and starts the model due', async () => {
    // Prepare
    const { local, at } = await scheduler(fridayMorning);
    // Act
    const tick = await at(pcbStart, ['tick']);
    // Assess
    expect(tick.status).toBe(0);
    const [title, header, ...rows] = tick.out.trim().split('\n');
    expect(title).toBe('tick at 2027-03-26T04:40:00.000Z (config version 1)');
    expect(header).toMatch(/^MODEL\s+DESIRED\s+OBSERVED\s+ACTION\s+RESULT\s+WHY$/);
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.startsWith('pcb-line-1'))).toMatch(
      /^pcb-line-1\s+on\s+stopped\s+start\s+sent\s+\S/,
    );
    expect(rows.find((row) => row.startsWith('night-inspection'))).toMatch(
      /^night-inspection\s+off\s+stopped\s+none\s+done\s+\S/,
    );
    expect(acceptedStarts(local, pcb)).toHaveLength(1);
  });

  it('prints the pass as JSON with UTC instants', async () => {
    // Prepare
    const { at } = await scheduler(fridayMorning);
    // Act
    const tick = await at('2027-03-26T05:40:00+01:00', ['tick', '--json']);
    // Assess
    expect(tick.status).toBe(0);
    const report = JSON.parse(tick.out) as { at: string; configVersion: number; outcomes: unknown[] };
    expect(report.at).toBe('2027-03-26T04:40:00.000Z');
    expect(report.configVersion).toBe(1);
    expect(report.outcomes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          model: 'pcb-line-1',
          desired: 'on',
          observed: 'stopped',
          action: 'start',
          result: 'sent',
          reason: expect.any(String),
          clientToken: expect.stringMatching(/^mss-start-/),
        }),
        expect.objectContaining({ model: 'night-inspection', desired: 'off', result: 'done' }),
      ]),
    );
    expect(report.outcomes).toHaveLength(2);
  });

  it('exits 1 and says to run apply when no configuration has been applied', async () => {
    // Prepare
    const { at } = await scheduler(fridayMorning, { apply: false });
    // Act
    const tick = await at(pcbStart, ['tick']);
    // Assess
    expect(tick.status).toBe(1);
    expect(tick.err).toContain('run `shiftctl apply -f shifts.yml`');
    expect(tick.out).toBe('');
  });

  it('exits 2 on an --at that is not an instant, before touching anything', async () => {
    // Prepare
    const tables = await emptyTables();
    // Act
    const tick = await runShiftctl(['tick', '--at', 'nonsense'], tables.names);
    // Assess
    expect(tick.status).toBe(2);
    expect(tick.err).toContain('--at "nonsense" is not an ISO 8601 instant');
  });
});

describe('shiftctl status', () => {
  it('shows desired and observed state, units and the next action of each model as JSON', async () => {
    // Prepare
    const { at } = await scheduler(fridayMorning);
    await at(pcbStart, ['tick']);
    // Act
    const status = await at('2027-03-26T04:45:00Z', ['status', '--json']);
    // Assess
    expect(status.status).toBe(0);
    const body = JSON.parse(status.out) as { at: string; models: Record<string, unknown>[] };
    expect(body.at).toBe('2027-03-26T04:45:00.000Z');
    const byModel = Object.fromEntries(body.models.map((model) => [model.model, model]));
    expect(byModel['pcb-line-1']).toMatchObject({
      desired: 'on',
      observed: 'starting',
      minInferenceUnits: 2,
      maxInferenceUnits: 4,
      run: { outcome: 'starting' },
      next: { action: 'stop', at: '2027-03-26T21:00:00.000Z' },
    });
    expect(byModel['night-inspection']).toMatchObject({
      desired: 'off',
      observed: 'stopped',
      next: { action: 'start', at: '2027-03-26T20:30:00.000Z' },
    });
    expect(byModel['night-inspection']).not.toHaveProperty('run');
  });
});

describe('shiftctl override', () => {
  it('starts a model outside its shift while an override holds it on, lists it, and clears it', async () => {
    // Prepare
    const { local, tables, at } = await scheduler(saturdayMorning);
    const until = '2027-03-27T18:00:00Z';
    // Act
    const set = await runShiftctl(
      ['override', 'set', 'pcb-line-1', '--state', 'on', '--until', until, '--reason', 'weekend audit'],
      tables.names,
    );
    const listed = await runShiftctl(['override', 'list', '--json'], tables.names);
    const tick = await at(saturdayMorning, ['tick', '--json']);
    const cleared = await runShiftctl(['override', 'clear', 'pcb-line-1'], tables.names);
    const afterClear = await runShiftctl(['override', 'list', '--json'], tables.names);
    // Assess
    expect(set.status).toBe(0);
    expect(set.out).toContain('pcb-line-1: on until 2027-03-27T18:00:00.000Z');
    expect(JSON.parse(listed.out)).toEqual({
      overrides: [
        {
          model: 'pcb-line-1',
          state: 'on',
          until: '2027-03-27T18:00:00.000Z',
          reason: 'weekend audit',
          setAt: expect.stringMatching(utcInstant),
          active: true,
        },
      ],
    });
    const outcome = (JSON.parse(tick.out) as { outcomes: { model: string }[] }).outcomes.find(
      (candidate) => candidate.model === 'pcb-line-1',
    );
    expect(outcome).toMatchObject({
      desired: 'on',
      action: 'start',
      result: 'sent',
      reason: expect.stringContaining('override on'),
    });
    expect(acceptedStarts(local, pcb)).toHaveLength(1);
    expect(cleared.status).toBe(0);
    expect(cleared.out.trim()).toBe('pcb-line-1: override cleared');
    expect(JSON.parse(afterClear.out)).toEqual({ overrides: [] });
  });

  it('exits 2 for a model the configuration does not name, and writes no override', async () => {
    // Prepare
    const { tables } = await scheduler(saturdayMorning);
    // Act
    const set = await runShiftctl(
      ['override', 'set', 'unknown-model', '--state', 'on', '--until', '2027-03-27T18:00:00Z'],
      tables.names,
    );
    const listed = await runShiftctl(['override', 'list', '--json'], tables.names);
    // Assess
    expect(set.status).toBe(2);
    expect(set.err).toContain('unknown model "unknown-model" (models: pcb-line-1, night-inspection)');
    expect(JSON.parse(listed.out)).toEqual({ overrides: [] });
  });

  it('exits 2 for a state other than on or off', async () => {
    // Prepare
    const { tables } = await scheduler(saturdayMorning);
    // Act
    const set = await runShiftctl(
      ['override', 'set', 'pcb-line-1', '--state', 'maybe', '--until', '2027-03-27T18:00:00Z'],
      tables.names,
    );
    const listed = await runShiftctl(['override', 'list', '--json'], tables.names);
    // Assess
    expect(set.status).toBe(2);
    expect(set.err).toContain('--state "maybe" must be on or off');
    expect(JSON.parse(listed.out)).toEqual({ overrides: [] });
  });
});

describe('shiftctl plan from the config table', () => {
  type PlanJson = {
    windows: { model: string }[];
    actions: { model: string; action: string; at: string }[];
    runs: { model: string; runId: string; minInferenceUnits: number; maxInferenceUnits?: number }[];
    notes: string[];
  };

  it('plans the applied configuration, with the run an active override adds as the tick records it', async () => {
    // Prepare
    const { tables } = await scheduler(saturdayMorning);
    const range = ['--from', '2027-03-27T06:00:00Z', '--to', '2027-03-28T00:00:00Z', '--json'];
    // Act
    const before = await runShiftctl(['plan', ...range], tables.names);
    await runShiftctl(
      [
        'override',
        'set',
        'pcb-line-1',
        '--state',
        'on',
        '--until',
        '2027-03-27T18:00:00Z',
        '--reason',
        'audit',
      ],
      tables.names,
    );
    const after = await runShiftctl(['plan', ...range], tables.names);
    // Assess
    expect(before.status).toBe(0);
    const plain = JSON.parse(before.out) as PlanJson;
    expect(plain.actions.filter((action) => action.model === 'pcb-line-1')).toEqual([]);
    expect(plain.actions).toContainEqual(
      expect.objectContaining({ model: 'night-inspection', action: 'start', at: '2027-03-27T20:30:00.000Z' }),
    );
    expect(after.status).toBe(0);
    const overridden = JSON.parse(after.out) as PlanJson;
    // The override holds from when it was set, before the range: the tick has kept the model on
    // since Friday's run ended (21:00 UTC), with that run's units, so only the stop is in range.
    expect(
      overridden.actions
        .filter((action) => action.model === 'pcb-line-1')
        .map(({ action, at }) => [action, at]),
    ).toEqual([['stop', '2027-03-27T18:00:00.000Z']]);
    expect(overridden.runs.filter((run) => run.model === 'pcb-line-1')).toEqual([
      expect.objectContaining({
        runId: 'pcb-line-1@2027-03-26T21:00:00.000Z~override',
        minInferenceUnits: 2,
        maxInferenceUnits: 4,
      }),
    ]);
    expect(overridden.notes).toContainEqual(expect.stringContaining('pcb-line-1: override on until'));
  });

  it('exits 1 with advice when no configuration has been applied, as every command does', async () => {
    // Prepare
    const tables = await emptyTables();
    // Act
    const plan = await runShiftctl(
      ['plan', '--from', '2027-03-27T00:00:00Z', '--to', '2027-03-28T00:00:00Z', '--json'],
      tables.names,
    );
    // Assess
    expect(plan.status).toBe(1);
    expect(plan.err).toContain('no configuration has been applied yet: run `shiftctl apply -f shifts.yml`');
    expect(plan.out).toBe('');
  });
});

describe('shiftctl runs', () => {
  it('lists the run a tick started, with its start request, one start token and outcome starting', async () => {
    // Prepare
    const { tables, at } = await scheduler(fridayMorning);
    await at(pcbStart, ['tick']);
    // Act
    const runs = await runShiftctl(['runs', '--json'], tables.names);
    // Assess
    expect(runs.status).toBe(0);
    const body = JSON.parse(runs.out) as { runs: Record<string, unknown>[] };
    expect(body.runs).toEqual([
      expect.objectContaining({
        model: 'pcb-line-1',
        runId: expect.any(String),
        requestedStartAt: '2027-03-26T04:40:00.000Z',
        hostedAt: null,
        requestedStopAt: null,
        stoppedAt: null,
        minInferenceUnits: 2,
        maxInferenceUnits: 4,
        clientTokens: [expect.stringMatching(/^mss-start-/)],
        outcome: 'starting',
      }),
    ]);
  });
});

describe('shiftctl --help', () => {
  const commands = [
    ['tables', 'create'],
    ['apply'],
    ['plan'],
    ['tick'],
    ['status'],
    ['runs'],
    ['report'],
    ['override', 'set'],
    ['override', 'clear'],
    ['override', 'list'],
    ['emulator'],
  ];

  it.each(commands.map((words) => [words.join(' '), words] as const))(
    'shows usage and an example for %s, exiting 0',
    async (name, words) => {
      // Act
      const help = await runShiftctl([...words, '--help']);
      // Assess
      expect(help.status).toBe(0);
      expect(help.out).toContain(`Usage: shiftctl ${name}`);
      // The example comes after an `Example:`/`Examples:` heading, below the usage line.
      expect(help.out).toMatch(new RegExp(`\\nExamples?[^\\n]*:\\n[\\s\\S]*shiftctl ${name}`));
    },
  );
});

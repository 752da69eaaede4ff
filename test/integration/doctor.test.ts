/**
 * `shiftctl doctor` finds each kind of disagreement between the file, the configuration in force, the
 * runs table and the hosting service (the Lookout for Vision emulator through the real SDK client,
 * DynamoDB Local), says what to do, and exits 1; it exits 0 when everything agrees.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartModelCommand } from '@aws-sdk/client-lookoutvision';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyConfig } from '../../src/app/apply-config.ts';
import type { ShiftsConfig } from '../../src/providers/config.ts';
import { type LocalScheduler, startLocalScheduler } from '../../src/simulation/local-scheduler.ts';
import { interfaceExample, interfaceExampleText } from '../support/builders.ts';
import { createTestTables, type TestTables } from '../support/dynamodb.ts';
import { runShiftctl } from '../support/shiftctl.ts';

// Friday 2027-03-26 in Berlin (+01:00): pcb-line-1's run starts 05:40 (04:40Z) and ends 22:00 (21:00Z).
const pcbStart = '2027-03-26T04:40:00Z';
const quietMorning = '2027-03-24T03:00:00Z';

let dir: string;
let shiftsFile: string;
let changedFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'shiftctl-doctor-'));
  shiftsFile = join(dir, 'shifts.yml');
  writeFileSync(shiftsFile, interfaceExampleText());
  changedFile = join(dir, 'changed.yml');
  writeFileSync(
    changedFile,
    `${interfaceExampleText().replace('schedule: weekday-two-shift', 'schedule: weekday-two-shift\n    leadMinutes: 25')}  - id: bracket-line\n    provider: lookoutvision\n    projectName: brackets\n    modelVersion: "2"\n    schedule: weekday-two-shift\n`,
  );
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const opened: { tables: TestTables; local: LocalScheduler }[] = [];

afterEach(async () => {
  for (const { tables, local } of opened.splice(0)) {
    await local.close();
    await tables.drop();
  }
});

/** Tables and an emulator holding the example's models, TRAINED; `config` applied unless it is null. */
const setUp = async (start: string, config: ShiftsConfig | null = interfaceExample()) => {
  const tables = await createTestTables('doctor');
  const local = await startLocalScheduler({
    config: interfaceExample(),
    start: new Date(start),
    documents: tables.client,
    tables: tables.names,
    startLatency: 10 * 60_000,
    stopLatency: 2 * 60_000,
  });
  opened.push({ tables, local });
  if (config) await applyConfig(local.deps.configs, config, { source: 'shifts.yml', at: new Date(start) });
  const run = (instant: string, argv: readonly string[]) => {
    local.clock.set(instant);
    return runShiftctl([...argv, '--at', instant], tables.names);
  };
  return { local, run };
};

interface JsonFinding {
  kind: string;
  model?: string;
  runId?: string;
  detail: string;
  action: string;
  costPerHour?: number;
}

const findingsOf = (out: string): JsonFinding[] => (JSON.parse(out) as { findings: JsonFinding[] }).findings;

describe('shiftctl doctor', () => {
  it('exits 0 and says all agree when file, configuration, runs and service agree', async () => {
    // Prepare
    const { run } = await setUp(quietMorning);

    // Act
    const result = await run(quietMorning, ['doctor', '-f', shiftsFile]);

    // Assess
    expect(result.status).toBe(0);
    expect(result.out).toContain('all agree');
  });

  it('finds that nothing is applied', async () => {
    // Prepare
    const { run } = await setUp(quietMorning, null);

    // Act
    const result = await run(quietMorning, ['doctor', '-f', shiftsFile, '--json']);

    // Assess
    expect(result.status).toBe(1);
    expect(findingsOf(result.out)).toEqual([
      expect.objectContaining({ kind: 'not-configured', action: `run \`shiftctl apply -f ${shiftsFile}\`` }),
    ]);
  });

  it('finds models in the file but not applied, and settings that differ', async () => {
    // Prepare
    const { run } = await setUp(quietMorning);

    // Act
    const result = await run(quietMorning, ['doctor', '-f', changedFile, '--json']);

    // Assess
    expect(result.status).toBe(1);
    const findings = findingsOf(result.out).filter((finding) => finding.kind === 'file-not-applied');
    expect(findings.map((finding) => [finding.model, finding.detail])).toEqual([
      ['bracket-line', `model bracket-line is in ${changedFile} but not applied`],
      [
        'pcb-line-1',
        `model pcb-line-1 differs between ${changedFile} and the configuration in force (leadMinutes)`,
      ],
    ]);
  });

  it('finds a configured model the service does not know', async () => {
    // Prepare: the configuration names a version the service never had.
    const config = interfaceExample();
    const unknown = {
      ...config,
      models: config.models.map((model) =>
        model.id === 'night-inspection' ? { ...model, modelVersion: '9' } : model,
      ),
    } as ShiftsConfig;
    const { run } = await setUp(quietMorning, unknown);

    // Act
    const result = await run(quietMorning, ['doctor', '--json']);

    // Assess
    expect(result.status).toBe(1);
    expect(findingsOf(result.out)).toEqual([
      expect.objectContaining({ kind: 'unknown-to-provider', model: 'night-inspection' }),
    ]);
  });

  it('finds a model hosted at the service that no run explains, with its cost per hour', async () => {
    // Prepare: someone started it by hand, outside every run.
    const { local, run } = await setUp(quietMorning);
    await local.client.send(
      new StartModelCommand({ ProjectName: 'circuit-boards', ModelVersion: '3', MinInferenceUnits: 3 }),
    );
    local.clock.advance(20 * 60_000);
    const at = local.clock.now().toISOString();

    // Act
    const result = await run(at, ['doctor', '--json']);
    const text = await run(at, ['doctor']);

    // Assess
    expect(result.status).toBe(1);
    expect(findingsOf(result.out)).toEqual([
      expect.objectContaining({ kind: 'unmanaged-hosting', model: 'pcb-line-1', costPerHour: 12 }),
    ]);
    expect(text.status).toBe(1);
    expect(text.out).toContain('unmanaged spend of about $12.00 per hour');
    expect(text.err).toContain('1 disagreement needs a person');
  });

  it('finds a run left open past its end', async () => {
    // Prepare: a tick starts the run, and no pass runs after it.
    const { run } = await setUp(pcbStart);
    expect((await run(pcbStart, ['tick'])).status).toBe(0);

    // Act: an hour after its planned end (22:00 Berlin, 21:00Z).
    const result = await run('2027-03-26T22:00:00Z', ['doctor', '--json']);

    // Assess
    expect(result.status).toBe(1);
    expect(findingsOf(result.out)).toEqual([
      expect.objectContaining({
        kind: 'run-open-past-end',
        model: 'pcb-line-1',
        runId: expect.stringContaining('pcb-line-1@'),
      }),
    ]);
  });

  it('finds a start intent without an answer past its lease, and its token near the end of its life', async () => {
    // Prepare: a pass wrote its start intent and stopped before sending it.
    const { local, run } = await setUp(pcbStart);
    expect((await run(pcbStart, ['tick'])).status).toBe(0);
    const [open] = await local.deps.runs.open('pcb-line-1');
    if (!open) throw new Error('the tick opened no run');
    const intendedAt = '2027-03-26T05:00:00Z';
    await local.deps.runs.save({
      ...open,
      starts: [...open.starts, { attempt: 2, clientToken: 'pcb-line-1-retry-2', intendedAt }],
      revision: open.revision + 1,
    });

    // Act: 7.5 hours later the token has half an hour left.
    const early = await run('2027-03-26T05:05:00Z', ['doctor', '--json']);
    const late = await run('2027-03-26T12:30:00Z', ['doctor', '--json']);

    // Assess
    expect(early.status).toBe(1);
    expect(findingsOf(early.out).map((finding) => finding.kind)).toEqual(['intent-unanswered']);
    expect(findingsOf(late.out).map((finding) => finding.kind)).toEqual([
      'intent-unanswered',
      'token-expiring',
    ]);
    expect(findingsOf(late.out)[1]?.detail).toContain(
      'pcb-line-1-retry-2 expires at 2027-03-26T13:00:00.000Z',
    );
  });
});

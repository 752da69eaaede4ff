/**
 * A week of the demo fleet (the example shifts plus a Rekognition Custom Labels model and a SageMaker
 * inference component) across the spring-forward change, run four ways against the same emulators
 * (starts take 5–15 minutes, stops 1–3), and measured at the services the same way:
 * - `shiftctl tick` every 5 minutes, through the CLI (DynamoDB Local, real SDK clients),
 * - the scheduler as deployed: the 5-minute tick plus the shift-edge schedules,
 * - a plain cron: a start at each shift start, a stop at each shift end,
 * - a 5-minute reconciler: every 5 minutes, start a stopped model inside a shift, stop one outside.
 * The two baselines keep no records: each call goes through the model's provider adapter with a
 * fresh random client token, and a refused call is lost. Coverage is the share of shift minutes the
 * model was HOSTED; "outside plan" is what the service billed outside the planned runs (lead
 * included) plus a 10-minute stop slack.
 */
import { randomUUID } from 'node:crypto';
import { applyConfig } from '../src/app/apply-config.ts';
import type { PassReport } from '../src/app/reconcile.ts';
import { modelRefOf } from '../src/app/reconcile.ts';
import { ensureTables } from '../src/app/tables.ts';
import { readConfigFile } from '../src/cli/context.ts';
import { formatHours, formatShare, formatUsd } from '../src/cli/format.ts';
import { main } from '../src/cli/main.ts';
import { renderTable, right } from '../src/cli/render.ts';
import type { ModelHost } from '../src/hosting/model-host.ts';
import { createDynamoDbClient, createDynamoDocumentClient } from '../src/platform/aws-clients.ts';
import { startDynamoDbLocal } from '../src/platform/dynamodb-local.ts';
import type { TableNames } from '../src/platform/env.ts';
import type { ShiftsConfig } from '../src/providers/config.ts';
import { resolvedModel } from '../src/schedule/config.ts';
import { type Window, windowsBetween } from '../src/schedule/windows.ts';
import { type LocalScheduler, startLocalScheduler } from '../src/simulation/local-scheduler.ts';
import { type Driver, type SimulationResult, simulate } from '../src/simulation/simulate.ts';

const from = new Date('2027-03-21T12:00:00+01:00');
const to = new Date('2027-03-28T12:00:00+02:00');
const minute = 60_000;
const fleetFile = new URL('../src/demo/fleet.yml', import.meta.url).pathname;

type Strategy = (context: { local: LocalScheduler; config: ShiftsConfig; tables: TableNames }) => Driver;

const noReports: readonly PassReport[] = [];

const quiet = {
  out: () => {},
  err: (text: string) => process.stderr.write(text),
  isTty: false,
};

/** `shiftctl tick --at` every five minutes, exactly as an operator (or the reconcile Lambda) runs it. */
const cliTick: Strategy = ({ tables }) => {
  const env = { ...process.env, CONFIG_TABLE_NAME: tables.configTable, RUNS_TABLE_NAME: tables.runsTable };
  return async (at) => {
    if ((at.getTime() - from.getTime()) % (5 * minute) !== 0) return noReports;
    const status = await main(['tick', '--at', at.toISOString()], { ...quiet, env });
    if (status !== 0) throw new Error(`shiftctl tick --at ${at.toISOString()} exited ${status}`);
    return noReports;
  };
};

const ignoreRefusals = async (send: () => Promise<unknown>) => {
  try {
    await send();
  } catch {
    // A baseline without retries or repair: a refused call is simply lost, as with a bare cron job.
  }
};

/** Each model with its place and the adapter of its provider. */
const fleetOf = (local: LocalScheduler, config: ShiftsConfig) =>
  config.models.map((model) => {
    const ref = modelRefOf(model);
    const host = local.deps.hosts[ref.provider] as ModelHost;
    return { id: model.id, ref, host };
  });

type Member = ReturnType<typeof fleetOf>[number];

/** A start with a window's units and a random token, as a script without records would send it. */
const startFor = ({ host, ref }: Member, window: Window): Promise<void> =>
  ignoreRefusals(() =>
    host.start(ref, {
      minInferenceUnits: window.minInferenceUnits,
      ...(window.maxInferenceUnits === undefined ? {} : { maxInferenceUnits: window.maxInferenceUnits }),
      clientToken: randomUUID(),
    }),
  );

const stopFor = ({ host, ref }: Member): Promise<void> =>
  ignoreRefusals(() => host.stop(ref, { clientToken: randomUUID() }));

/** A cron job per shift edge: start at the shift's start, stop at its end, nothing else. */
const plainCron: Strategy = ({ local, config }) => {
  const windows = windowsBetween(config, from, to);
  const fleet = fleetOf(local, config);
  return async (at) => {
    const t = at.getTime();
    for (const member of fleet) {
      if (windows.some((w) => w.model === member.id && w.end.getTime() === t)) await stopFor(member);
      for (const window of windows.filter((w) => w.model === member.id && w.start.getTime() === t)) {
        await startFor(member, window);
      }
    }
    return noReports;
  };
};

/** Every five minutes: inside a shift and stopped → start; outside and hosted → stop. No lead, no records. */
const naiveReconciler: Strategy = ({ local, config }) => {
  const windows = windowsBetween(config, from, to);
  const fleet = fleetOf(local, config);
  return async (at) => {
    const t = at.getTime();
    if ((t - from.getTime()) % (5 * minute) !== 0) return noReports;
    for (const member of fleet) {
      const window = windows.find(
        (w) => w.model === member.id && w.start.getTime() <= t && t < w.end.getTime(),
      );
      const { state } = await member.host.observe(member.ref);
      if (window && (state === 'stopped' || state === 'failed')) await startFor(member, window);
      else if (!window && state === 'hosted') await stopFor(member);
    }
    return noReports;
  };
};

const summarise = (name: string, config: ShiftsConfig, result: SimulationResult, seconds: number) => {
  const sum = (pick: (m: SimulationResult['models'][number]) => number) =>
    result.models.reduce((total, model) => total + pick(model), 0);
  const shiftMinutes = sum((m) => m.shiftMinutes);
  const hostedShiftMinutes = sum((m) => m.hostedShiftMinutes);
  const billedUnitHours = sum((m) => m.billedUnitMinutes) / 60;
  const cost = sum(
    (m) => (m.billedUnitMinutes / 60) * resolvedModel(config, m.model).pricePerInferenceUnitHour,
  );
  return {
    name,
    coverage: hostedShiftMinutes / shiftMinutes,
    uncoveredMinutes: shiftMinutes - hostedShiftMinutes,
    lateWindows: sum((m) => m.lateWindows.length),
    billedUnitHours,
    outsideUnitHours: sum((m) => m.billedOutsideUnitMinutes) / 60,
    cost,
    seconds,
  };
};

const latencies = {
  seed: 5,
  startLatency: { minMs: 5 * minute, maxMs: 15 * minute },
  stopLatency: { minMs: 1 * minute, maxMs: 3 * minute },
};

export const run = async (): Promise<void> => {
  process.env.AWS_REGION ??= 'eu-central-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const config = readConfigFile(fleetFile);
  const dynamo = await startDynamoDbLocal();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  const rows: ReturnType<typeof summarise>[] = [];
  try {
    const strategies: [string, Strategy | undefined][] = [
      ['shiftctl tick every 5 min', cliTick],
      ['scheduler (tick + shift edges)', undefined],
      ['plain cron at shift edges', plainCron],
      ['5-min reconciler, no lead', naiveReconciler],
    ];
    for (const [index, [name, strategy]] of strategies.entries()) {
      const tables = { configTable: `bench-${index}-config`, runsTable: `bench-${index}-runs` };
      const admin = createDynamoDbClient();
      await ensureTables(admin, tables, { pollIntervalMs: 50 });
      admin.destroy();
      const documents = createDynamoDocumentClient();
      const local = await startLocalScheduler({
        config,
        start: from,
        documents,
        tables,
        ...latencies,
        rekognitionOptions: latencies,
        sageMakerOptions: latencies,
      });
      try {
        await applyConfig(local.deps.configs, config, { source: 'shifts.yml', at: from });
        const started = performance.now();
        const result = await simulate({
          config,
          deps: local.deps,
          emulator: local.emulator,
          ...(local.rekognition ? { rekognition: local.rekognition } : {}),
          ...(local.sagemaker ? { sagemaker: local.sagemaker } : {}),
          from,
          to,
          ...(strategy ? { driver: strategy({ local, config, tables }) } : {}),
        });
        rows.push(summarise(name, config, result, (performance.now() - started) / 1000));
      } finally {
        await local.close();
        documents.destroy();
      }
    }
  } finally {
    await dynamo.stop();
  }
  const ours = rows[0];
  console.log(
    `the demo fleet (${config.models.length} models: ${[...new Set(config.models.map((m) => m.provider))].join(', ')}), a week from ${from.toISOString()} to ${to.toISOString()} (Europe/Berlin springs forward on 2027-03-28)`,
  );
  console.log(
    renderTable(
      [
        'STRATEGY',
        right('COVERAGE'),
        right('SHIFT MIN NOT HOSTED'),
        right('LATE/MISSED WINDOWS'),
        right('UNIT-H BILLED'),
        right('OUTSIDE PLAN'),
        right('COST'),
        right('COST VS TICK'),
        right('WALL S'),
      ],
      rows.map((row) => [
        row.name,
        formatShare(row.coverage),
        String(row.uncoveredMinutes),
        String(row.lateWindows),
        formatHours(row.billedUnitHours, 1),
        formatHours(row.outsideUnitHours, 1),
        formatUsd(row.cost),
        ours ? `${formatHours(row.cost / ours.cost)}×` : '',
        row.seconds.toFixed(1),
      ]),
    ),
  );
};

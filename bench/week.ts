/**
 * A week of the example shifts across the spring-forward change, run four ways against the same
 * emulator (starts take 5–15 minutes, stops 1–3), and measured at the service the same way:
 * - `shiftctl tick` every 5 minutes, through the CLI (DynamoDB Local, real SDK clients),
 * - the scheduler as deployed: the 5-minute tick plus the shift-edge schedules,
 * - a plain cron: StartModel at each shift start, StopModel at each shift end,
 * - a 5-minute reconciler: every 5 minutes, start a stopped model inside a shift, stop one outside.
 * Coverage is the share of shift minutes the model was HOSTED; "outside plan" is what the service
 * billed outside the planned runs (lead included) plus a 10-minute stop slack.
 */
import { DescribeModelCommand, StartModelCommand, StopModelCommand } from '@aws-sdk/client-lookoutvision';
import { applyConfig } from '../src/app/apply-config.ts';
import type { PassReport } from '../src/app/reconcile.ts';
import { ensureTables } from '../src/app/tables.ts';
import { readConfigFile } from '../src/cli/context.ts';
import { formatHours, formatShare, formatUsd } from '../src/cli/format.ts';
import { main } from '../src/cli/main.ts';
import { renderTable, right } from '../src/cli/render.ts';
import { createDynamoDbClient, createDynamoDocumentClient } from '../src/platform/aws-clients.ts';
import { startDynamoDbLocal } from '../src/platform/dynamodb-local.ts';
import type { TableNames } from '../src/platform/env.ts';
import type { ShiftsConfig } from '../src/providers/config.ts';
import { type Window, windowsBetween } from '../src/schedule/windows.ts';
import { type LocalScheduler, startLocalScheduler } from '../src/simulation/local-scheduler.ts';
import { type Driver, type SimulationResult, simulate } from '../src/simulation/simulate.ts';

const from = new Date('2027-03-21T12:00:00+01:00');
const to = new Date('2027-03-28T12:00:00+02:00');
const minute = 60_000;
const shiftsFile = new URL('../shifts.yml', import.meta.url).pathname;

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

const lookoutModels = (config: ShiftsConfig) =>
  config.models.flatMap((model) => (model.provider === 'lookoutvision' ? [model] : []));

const ignoreRefusals = async (send: () => Promise<unknown>) => {
  try {
    await send();
  } catch {
    // A baseline without retries or repair: a refused call is simply lost, as with a bare cron job.
  }
};

/** StartModel with a window's units and the SDK's own random token, as a script without records would. */
const startFor = (
  local: LocalScheduler,
  address: { ProjectName: string; ModelVersion: string },
  window: Window,
): Promise<void> =>
  ignoreRefusals(() =>
    local.client.send(
      new StartModelCommand({
        ...address,
        MinInferenceUnits: window.minInferenceUnits,
        ...(window.maxInferenceUnits === undefined ? {} : { MaxInferenceUnits: window.maxInferenceUnits }),
      }),
    ),
  );

/** A cron job per shift edge: start at the shift's start, stop at its end, nothing else. */
const plainCron: Strategy = ({ local, config }) => {
  const windows = windowsBetween(config, from, to);
  return async (at) => {
    const t = at.getTime();
    for (const model of lookoutModels(config)) {
      const address = { ProjectName: model.projectName, ModelVersion: model.modelVersion };
      if (windows.some((w) => w.model === model.id && w.end.getTime() === t)) {
        await ignoreRefusals(() => local.client.send(new StopModelCommand(address)));
      }
      for (const window of windows.filter((w) => w.model === model.id && w.start.getTime() === t)) {
        await startFor(local, address, window);
      }
    }
    return noReports;
  };
};

/** Every five minutes: inside a shift and stopped → start; outside and hosted → stop. No lead, no records. */
const naiveReconciler: Strategy = ({ local, config }) => {
  const windows = windowsBetween(config, from, to);
  return async (at) => {
    const t = at.getTime();
    if ((t - from.getTime()) % (5 * minute) !== 0) return noReports;
    for (const model of lookoutModels(config)) {
      const address = { ProjectName: model.projectName, ModelVersion: model.modelVersion };
      const window = windows.find(
        (w) => w.model === model.id && w.start.getTime() <= t && t < w.end.getTime(),
      );
      const { ModelDescription } = await local.client.send(new DescribeModelCommand(address));
      const status = ModelDescription?.Status;
      if (window && (status === 'TRAINED' || status === 'HOSTING_FAILED')) {
        await startFor(local, address, window);
      } else if (!window && status === 'HOSTED') {
        await ignoreRefusals(() => local.client.send(new StopModelCommand(address)));
      }
    }
    return noReports;
  };
};

const summarise = (name: string, result: SimulationResult, seconds: number) => {
  const sum = (pick: (m: SimulationResult['models'][number]) => number) =>
    result.models.reduce((total, model) => total + pick(model), 0);
  const shiftMinutes = sum((m) => m.shiftMinutes);
  const hostedShiftMinutes = sum((m) => m.hostedShiftMinutes);
  const billedUnitHours = sum((m) => m.billedUnitMinutes) / 60;
  return {
    name,
    coverage: hostedShiftMinutes / shiftMinutes,
    uncoveredMinutes: shiftMinutes - hostedShiftMinutes,
    lateWindows: sum((m) => m.lateWindows.length),
    billedUnitHours,
    outsideUnitHours: sum((m) => m.billedOutsideUnitMinutes) / 60,
    // The example prices every model at 4 USD per inference-unit hour.
    cost: billedUnitHours * 4,
    seconds,
  };
};

export const run = async (): Promise<void> => {
  process.env.AWS_REGION ??= 'eu-central-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const config = readConfigFile(shiftsFile);
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
        seed: 5,
        startLatency: { minMs: 5 * minute, maxMs: 15 * minute },
        stopLatency: { minMs: 1 * minute, maxMs: 3 * minute },
      });
      try {
        await applyConfig(local.deps.configs, config, { source: 'shifts.yml', at: from });
        const started = performance.now();
        const result = await simulate({
          config,
          deps: local.deps,
          emulator: local.emulator,
          from,
          to,
          ...(strategy ? { driver: strategy({ local, config, tables }) } : {}),
        });
        rows.push(summarise(name, result, (performance.now() - started) / 1000));
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
    `a week from ${from.toISOString()} to ${to.toISOString()} (Europe/Berlin springs forward on 2027-03-28)`,
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

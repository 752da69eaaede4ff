import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyConfig } from '../app/apply-config.ts';
import { monthlyReport } from '../app/report.ts';
import { listRuns } from '../app/runs-view.ts';
import { ensureTables } from '../app/tables.ts';
import { renderReportHtml } from '../cli/commands/report-html.ts';
import { renderRuns } from '../cli/commands/runs.ts';
import { formatDayLabel, formatHours, formatInZone, formatShare, formatUsd, roundTo } from '../cli/format.ts';
import {
  type BarCell,
  dayBar,
  dayBarRuler,
  localDatesBetween,
  type Paint,
  renderTable,
  right,
} from '../cli/render.ts';
import { createDynamoDbClient, createDynamoDocumentClient } from '../platform/aws-clients.ts';
import { type DynamoDbLocal, isLocalEndpoint, startDynamoDbLocal } from '../platform/dynamodb-local.ts';
import type { TableNames } from '../platform/env.ts';
import type { ShiftsConfig } from '../providers/config.ts';
import { resolvedModel } from '../schedule/config.ts';
import { windowsBetween } from '../schedule/windows.ts';
import { localDateOf } from '../schedule/zoned.ts';
import { startLocalScheduler } from '../simulation/local-scheduler.ts';
import { type ModelMeasure, type SimulationResult, simulate } from '../simulation/simulate.ts';

export interface DemoOptions {
  readonly config: ShiftsConfig;
  readonly source: string;
  readonly from: Date;
  readonly days: number;
  /** Simulated minutes per wall-clock second; 0 runs as fast as the machine allows. */
  readonly speed: number;
  readonly seed: number;
  readonly out: (...lines: string[]) => void;
  /** Rewrites the progress line in place (a terminal); else progress is printed every 6 hours. */
  readonly progressInPlace: boolean;
  readonly paint: Paint;
  /** Where the HTML report is written; default the system's temporary directory. */
  readonly reportDir?: string;
}

const minute = 60_000;
const hour = 60 * minute;

/**
 * The coming Sunday 12:00 in `timezone`: a week from there holds whole runs only (a weekend night
 * ends Sunday morning, the week's first shift starts Sunday night or Monday), so every run the demo
 * shows starts and ends within it.
 */
export const demoStart = (now: Date, timezone: string): Date => {
  const today = localDateOf(now, timezone);
  const sunday = today.add({ days: 7 - (today.dayOfWeek % 7) });
  return new Date(sunday.toZonedDateTime({ timeZone: timezone, plainTime: '12:00' }).epochMilliseconds);
};

/**
 * The local demonstration: DynamoDB Local (started here unless AWS_ENDPOINT_URL_DYNAMODB already
 * points at a local one), the tables from deploy/tables.yml, the configuration applied, and the
 * scheduler's own reconcile tick and shift edges run over simulated days on the emulator's virtual
 * clock, with realistic start latencies and a few faults. Everything started here is stopped here.
 */
export const runDemo = async (options: DemoOptions): Promise<SimulationResult> => {
  const { config, out, paint } = options;
  const to = new Date(options.from.getTime() + options.days * 24 * hour);
  const stack: (() => Promise<void>)[] = [];
  try {
    const dynamo = await dynamoEndpoint(out);
    if (dynamo.local) stack.push(() => dynamo.local?.stop() ?? Promise.resolve());
    process.env.AWS_REGION ??= 'eu-central-1';
    const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
    const clientOptions = { endpoint: dynamo.endpoint, region: process.env.AWS_REGION, credentials };
    const tables: TableNames = {
      configTable: 'model-shift-scheduler-demo-config',
      runsTable: 'model-shift-scheduler-demo-runs',
    };
    const admin = createDynamoDbClient(clientOptions);
    await ensureTables(admin, tables, { pollIntervalMs: 50 });
    admin.destroy();
    const documents = createDynamoDocumentClient(clientOptions);
    stack.push(async () => documents.destroy());

    // Every provider's emulator draws from the same seed, latencies and faults.
    const emulation = {
      seed: options.seed,
      startLatency: { minMs: 4 * minute, maxMs: 16 * minute },
      stopLatency: { minMs: 1 * minute, maxMs: 4 * minute },
      faults: { throttleProbability: 0.03 },
    };
    const local = await startLocalScheduler({
      config,
      start: options.from,
      documents,
      tables,
      ...emulation,
      rekognitionOptions: emulation,
      sageMakerOptions: emulation,
    });
    stack.push(() => local.close());
    const served = [
      'Lookout for Vision',
      ...(local.rekognition ? ['Rekognition Custom Labels'] : []),
      ...(local.sagemaker ? ['SageMaker (an endpoint scaled to zero instances adds 3–8 min)'] : []),
    ];
    out(
      `emulator:  ${served.join(', ')} on ${local.emulator.url} (virtual clock, starts take 4–16 min, 3 % throttling)`,
    );
    const first = config.models.find((model) => model.provider === 'lookoutvision');
    if (first?.provider === 'lookoutvision') {
      local.emulator.failNextStarts({ projectName: first.projectName, modelVersion: first.modelVersion }, 1);
      out(`faults:    the first start of ${first.id} will end in HOSTING_FAILED`);
    }
    // A fresh demo table holds no runs of earlier demos: apply over whatever version is there.
    const applied = await applyConfig(local.deps.configs, config, {
      source: options.source,
      at: options.from,
    });
    out(
      `config:    ${options.source} applied as version ${applied.applied?.version ?? applied.previousVersion}`,
    );
    out('');

    const zone = config.defaults.timezone ?? resolvedModel(config, config.models[0]?.id ?? '').timezone;
    let lastPrinted = 0;
    const started = Date.now();
    const result = await simulate({
      config,
      deps: local.deps,
      emulator: local.emulator,
      ...(local.rekognition ? { rekognition: local.rekognition } : {}),
      ...(local.sagemaker ? { sagemaker: local.sagemaker } : {}),
      from: options.from,
      to,
      onProgress: async ({ at, hosted, passes }) => {
        const line = `${formatInZone(at, zone)}  ${paint('green', `${hosted}/${config.models.length} hosted`)}  passes ${passes}`;
        if (options.progressInPlace) process.stdout.write(`\r${line}   `);
        else if (at.getTime() - lastPrinted >= 6 * hour) {
          out(line);
          lastPrinted = at.getTime();
        }
        if (options.speed > 0) {
          const due = started + ((at.getTime() - options.from.getTime()) / minute / options.speed) * 1000;
          const wait = due - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
      },
    });
    if (options.progressInPlace) process.stdout.write('\n');
    out(
      `simulated ${options.days} days in ${((Date.now() - started) / 1000).toFixed(1)} s: ${result.passes} reconcile ticks, ${result.edgePasses} shift edges`,
    );

    const views = await listRuns(
      local.deps.runs,
      config.models.map((model) => model.id),
      { at: to },
    );
    const zones = new Map(config.models.map((model) => [model.id, resolvedModel(config, model.id).timezone]));
    out('', paint('bold', 'Runs'), renderRuns(views, zones, paint));
    if (result.alerts.length > 0) {
      out('', paint('bold', 'Alerts'));
      for (const alert of result.alerts)
        out(`${formatInZone(alert.at, zones.get(alert.model) ?? 'UTC')}  ${alert.model}: ${alert.reason}`);
    }
    out('', paint('bold', 'Timeline'), ...timelines(config, result, paint));
    out('', paint('bold', 'Cost'), ...costReport(config, result, views, options.days, paint));
    const html = await reportFile(local.deps, options.from, to, options.reportDir ?? tmpdir());
    out('', `report:    ${html} (the simulated days' runs, with charts; open it in a browser)`);
    return result;
  } finally {
    for (const close of stack.reverse()) await close().catch(() => {});
  }
};

/**
 * Writes the month report of the simulated days (the month they start in, open runs counted up to
 * `to`) as the self-contained HTML page `shiftctl report --html` writes, and answers its path.
 */
const reportFile = async (
  deps: Parameters<typeof monthlyReport>[0],
  from: Date,
  to: Date,
  dir: string,
): Promise<string> => {
  const month = from.toISOString().slice(0, 7);
  const file = join(dir, `model-shift-scheduler-demo-${month}.html`);
  writeFileSync(file, renderReportHtml(await monthlyReport(deps, month, to)), 'utf8');
  return file;
};

const dynamoEndpoint = async (
  out: (text: string) => void,
): Promise<{ endpoint: string; local?: DynamoDbLocal }> => {
  const given = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (given) {
    if (!isLocalEndpoint(given))
      throw new Error(`the demo runs only against a local DynamoDB; AWS_ENDPOINT_URL_DYNAMODB is ${given}`);
    out(`dynamodb:  ${given} (given)`);
    return { endpoint: given };
  }
  const local = await startDynamoDbLocal();
  out(`dynamodb:  DynamoDB Local on ${local.endpoint} (in memory)`);
  return { endpoint: local.endpoint, local };
};

/** Per model and local day: shift time against what the service reported, 15 minutes a character. */
const timelines = (config: ShiftsConfig, result: SimulationResult, paint: Paint): string[] => {
  const lines = [
    paint(
      'dim',
      `  ${paint('green', '█')} shift, hosted   ${paint('red', '░')} shift, not hosted   ${paint('yellow', '▒')} hosted outside a shift (lead, stop)   ${paint('cyan', '▪')} starting/stopping   · off`,
    ),
  ];
  for (const measure of result.models) {
    const resolved = resolvedModel(config, measure.model);
    const tz = resolved.timezone;
    const windows = windowsBetween(config, result.from, result.to, { model: measure.model });
    const stateAt = (t: number) =>
      measure.timeline.find((span) => span.from.getTime() <= t && t < span.to.getTime())?.state;
    const cellAt = (t: number): BarCell => {
      if (t < result.from.getTime() || t >= result.to.getTime()) return { char: ' ' };
      const inShift = windows.some((w) => w.start.getTime() <= t && t < w.end.getTime());
      const state = stateAt(t);
      if (state === 'hosted')
        return inShift ? { char: '█', colour: 'green' } : { char: '▒', colour: 'yellow' };
      if (inShift) return { char: '░', colour: 'red' };
      if (state === 'starting' || state === 'stopping') return { char: '▪', colour: 'cyan' };
      return { char: '·', colour: 'dim' };
    };
    lines.push(
      '',
      `${paint('bold', measure.model)}  ${resolved.scheduleName}, ${tz}, lead ${resolved.leadMinutes === 'auto' ? 'auto' : `${resolved.leadMinutes} min`}`,
      `                ${paint('dim', dayBarRuler())}`,
    );
    for (const date of localDatesBetween(result.from, result.to, tz)) {
      lines.push(`${formatDayLabel(date)}  ${dayBar(date, tz, cellAt, paint)}`);
    }
  }
  return lines;
};

/** `$1,234.00 (71 %)`: what `cost` saves against `baseline`, and the whole percent of it. */
const savingText = (cost: number, baseline: number): string =>
  `${formatUsd(baseline - cost)} (${Math.round((1 - cost / baseline) * 100)} %)`;

/** Hosted time, unit-hours and cost per model, against the plan and against running 24/7. */
const costReport = (
  config: ShiftsConfig,
  result: SimulationResult,
  views: Awaited<ReturnType<typeof listRuns>>,
  days: number,
  paint: Paint,
): string[] => {
  const rows: string[][] = [];
  let totalCost = 0;
  let totalAroundTheClock = 0;
  for (const measure of result.models) {
    const resolved = resolvedModel(config, measure.model);
    const recorded = views.filter((view) => view.model === measure.model);
    const cost = recorded.reduce((sum, view) => sum + view.cost, 0);
    const unitHours = recorded.reduce((sum, view) => sum + view.inferenceUnitHours, 0);
    const units = Math.max(...resolved.schedule.shifts.map((shift) => shift.minInferenceUnits));
    const aroundTheClock = days * 24 * units * resolved.pricePerInferenceUnitHour;
    totalCost += cost;
    totalAroundTheClock += aroundTheClock;
    rows.push([
      measure.model,
      `${roundTo(measure.hostedShiftMinutes / 60, 1)} / ${roundTo(measure.shiftMinutes / 60, 1)} h`,
      formatShare(measure.coverage),
      hostedHoursOf(measure).toFixed(1),
      formatHours(unitHours, 1),
      formatHours(measure.billedUnitMinutes / 60, 1),
      formatHours(measure.billedOutsideUnitMinutes / 60, 1),
      formatUsd(cost),
      formatUsd(aroundTheClock),
      paint('green', savingText(cost, aroundTheClock)),
    ]);
  }
  rows.push([
    paint('bold', 'total'),
    '',
    '',
    '',
    '',
    '',
    '',
    paint('bold', formatUsd(totalCost)),
    formatUsd(totalAroundTheClock),
    paint('green', savingText(totalCost, totalAroundTheClock)),
  ]);
  return [
    renderTable(
      [
        'MODEL',
        right('SHIFT HOSTED'),
        right('COVERAGE'),
        right('HOSTED H'),
        right('UNIT-H RECORDED'),
        right('UNIT-H BILLED'),
        right('OUTSIDE PLAN'),
        right('COST'),
        right('24/7 COST'),
        right('SAVING'),
      ],
      rows,
    ),
    paint(
      'dim',
      'UNIT-H RECORDED: from the runs table (what `shiftctl runs` and `report` show); BILLED: what the service charged (emulator ledger);\n' +
        'OUTSIDE PLAN: billed outside lead + shift + 10 min stop slack; 24/7: the same days at the highest shift units.',
    ),
  ];
};

const hostedHoursOf = (measure: ModelMeasure): number =>
  measure.timeline
    .filter((span) => span.state === 'hosted')
    .reduce((sum, span) => sum + (span.to.getTime() - span.from.getTime()) / hour, 0);

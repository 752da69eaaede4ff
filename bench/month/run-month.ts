/**
 * One month of a fleet, run once per strategy on the same keyed draws and measured at the emulator:
 * each strategy gets a fresh Lookout for Vision engine (same seed, same per-model latencies, same
 * faults) on a virtual clock, reached by the real SDK client through an in-process request handler,
 * and the scheduler's stores in memory (they pass the same contract suite as the DynamoDB ones).
 */
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { applyConfig } from '../../src/app/apply-config.ts';
import type { ReconcileDeps } from '../../src/app/reconcile.ts';
import { VirtualClock } from '../../src/emulator/clock.ts';
import { inProcessRequestHandler } from '../../src/emulator/in-process-handler.ts';
import {
  drawLatency,
  keyedRandom,
  type LatencyDistribution,
  scaleLatency,
  standardNormal,
} from '../../src/emulator/random.ts';
import type { ShiftsConfig } from '../../src/providers/config.ts';
import { emulators, refsOf } from '../../src/providers/emulators.ts';
import { createLookoutVisionClient } from '../../src/providers/lookoutvision/client.ts';
import type { RunningLookoutVisionEmulator } from '../../src/providers/lookoutvision/emulator/index.ts';
import { lookoutVision } from '../../src/providers/lookoutvision/index.ts';
import type { LookoutVisionRef } from '../../src/providers/lookoutvision/schema.ts';
import { refOfModel } from '../../src/providers/registry.ts';
import { DEFAULT_COVERAGE_TARGET, DEFAULT_MAX_LEAD_MINUTES } from '../../src/schedule/lead.ts';
import { runsBetween, shiftMinutesOf } from '../../src/schedule/runs.ts';
import { windowsBetween } from '../../src/schedule/windows.ts';
import { type Driver, type SimulationResult, simulate } from '../../src/simulation/simulate.ts';
import { InMemoryRunRepository } from '../../src/store/in-memory-run-repository.ts';
import { monthFleet, monthStart, withLead } from './fleet.ts';
import type { MonthParams } from './params.ts';
import { SharedConfigRepository } from './shared-config-repository.ts';
import { edgeCron, type FleetModel, oracle, reconciler, type StrategyContext } from './strategies.ts';

const minute = 60_000;
const day = 24 * 60 * minute;

/** How long a stop takes: minutes, never the tens of minutes a start may take. */
export const stopLatency: LatencyDistribution = { kind: 'uniform', minMs: 1 * minute, maxMs: 3 * minute };

/** The five strategies, in the order the report lists them. */
export const strategyNames = ['scheduler', 'fixed-lead', 'edge-cron', 'reconciler', 'oracle'] as const;
/**
 * The reference run only when asked for (`--known-latency`): the scheduler as deployed, with each
 * model's lead worked out by the same rule from the model's true start latency instead of from its
 * record ({@link knownLatencyLeads}). What the rule can reach when nothing is left to learn.
 */
export const referenceName = 'known-latency' as const;
export type StrategyName = (typeof strategyNames)[number] | typeof referenceName;

/** What one strategy showed over the month, summed over the fleet. */
export interface StrategyFigures {
  readonly shiftMinutes: number;
  readonly missedShiftMinutes: number;
  readonly coverage: number;
  readonly unitHoursInShift: number;
  readonly unitHoursOutsideShift: number;
  readonly costUsd: number;
  readonly controlPlaneCalls: number;
  readonly lateStarts: number;
  readonly outsideShiftRatioToOracle: number;
}

/** The month bench's answer: what was run, and each strategy's figures. */
export interface MonthReport {
  readonly params: Readonly<Record<string, number | string>>;
  readonly strategies: Readonly<Record<(typeof strategyNames)[number], StrategyFigures>> & {
    readonly [referenceName]?: StrategyFigures;
  };
  /** Wall-clock seconds each strategy took, and the whole run. */
  readonly wallSeconds: Readonly<Partial<Record<StrategyName, number>> & { readonly total: number }>;
}

/**
 * The config the `scheduler` strategy runs: the fleet with every lead learned from the model's own
 * recorded starts (`leadMinutes: auto`, the default coverage target), as a user would deploy it.
 */
export const schedulerStrategyConfig = (fleet: ShiftsConfig): ShiftsConfig => withLead(fleet, 'auto');

/** The lead of the `fixed-lead` strategy: the example's default. */
export const fixedLeadMinutes = 20;

/**
 * A model's start latency: the spec scaled by the model's typical-latency factor exp(spread · z),
 * z standard normal drawn from (seed, model), so every strategy and the oracle see the same one.
 */
export const modelStartLatency = (params: MonthParams, key: string): LatencyDistribution =>
  scaleLatency(
    params.startLatency,
    Math.exp(params.modelSpread * standardNormal(keyedRandom(params.seed, 'spread', key))),
  );

const keyOf = (ref: LookoutVisionRef): string => `${ref.projectName}/${ref.modelVersion}`;

/** Draws per model behind a known-latency lead. */
const KNOWN_LATENCY_DRAWS = 4000;
/** How long a failed start waits to be sent again: half a 5-minute tick, on average. */
const RETRY_WAIT_MINUTES = 2.5;

/**
 * Each model's lead for `known-latency`: the rule of `leadMinutes: auto` (the smallest whole L with
 * E[(T − L)+] ≤ (1 − c)·S, at most maxLeadMinutes) applied to the model's true start time T, where a
 * start fails HOSTING_FAILED with the bench's probability and is sent again after
 * {@link RETRY_WAIT_MINUTES}, and S is the shift minutes of the model's most common run. E[·] is
 * taken over {@link KNOWN_LATENCY_DRAWS} draws of its own (keyed apart from the engine's).
 */
export const knownLatencyLeads = (
  params: MonthParams,
  models: readonly FleetModel[],
  config: ShiftsConfig,
): Record<string, number> => {
  const coverage = config.defaults.coverageTarget ?? DEFAULT_COVERAGE_TARGET;
  const maxLead = config.defaults.maxLeadMinutes ?? DEFAULT_MAX_LEAD_MINUTES;
  return Object.fromEntries(
    models.map((model) => {
      const random = keyedRandom(params.seed, 'known-latency', model.key);
      const draws = Array.from({ length: KNOWN_LATENCY_DRAWS }, () => {
        let minutes = drawLatency(model.startLatency, random) / minute;
        while (random() < params.hostingFailed)
          minutes += RETRY_WAIT_MINUTES + drawLatency(model.startLatency, random) / minute;
        return minutes;
      });
      const lengths = model.runs.map((run) => shiftMinutesOf(run.windows));
      const allowed = (1 - coverage) * mostCommon(lengths);
      const missed = (lead: number) =>
        draws.reduce((sum, x) => sum + Math.max(0, x - lead), 0) / draws.length;
      let lead = 0;
      while (lead < maxLead && missed(lead) > allowed) lead += 1;
      return [model.id, lead];
    }),
  );
};

const mostCommon = (values: readonly number[]): number => {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0;
};

interface Prepared {
  readonly engine: RunningLookoutVisionEmulator & { readonly clock: VirtualClock };
  readonly clock: VirtualClock;
  readonly deps: ReconcileDeps & { readonly configs: SharedConfigRepository };
  readonly context: StrategyContext;
}

/** A fresh engine holding the fleet, each model with its own latency, and the SDK client and stores over it. */
const prepare = (
  params: MonthParams,
  config: ShiftsConfig,
  models: readonly FleetModel[],
  from: Date,
): Prepared => {
  const clock = new VirtualClock(from);
  const engine = emulators.lookoutvision.createEngine({
    clock,
    seed: params.seed,
    keyedDraws: true,
    stopLatency,
    // The bench measures throttling as a share of requests (--throttle); a token bucket counting
    // virtual seconds would refuse every request after the fifth of a simulated minute.
    requestsPerSecond: Number.POSITIVE_INFINITY,
    retryAfterSeconds: 0,
    faults: { throttleProbability: params.throttle, hostingFailureProbability: params.hostingFailed },
  });
  emulators.lookoutvision.seed(engine, refsOf(config));
  for (const model of models) {
    engine.setLatencies(
      { start: model.startLatency, stop: model.stopLatency },
      { projectName: model.ref.projectName, modelVersion: model.ref.modelVersion },
    );
  }
  const client = createLookoutVisionClient({
    region: 'eu-central-1',
    endpoint: 'http://emulator.local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // The SDK still retries (3 attempts) but without waiting: the month passes on a virtual clock.
    retryStrategy: new ConfiguredRetryStrategy(3, () => 0),
    requestHandler: inProcessRequestHandler([engine]),
  });
  return {
    // simulate reads the engine's clock, call log and models; it needs no server for that.
    engine: engine as unknown as Prepared['engine'],
    clock,
    deps: {
      configs: new SharedConfigRepository(),
      runs: new InMemoryRunRepository(),
      hosts: { lookoutvision: lookoutVision.createHost(client) },
      sleep: async () => {},
    },
    context: { client, clock, models, from },
  };
};

const overlapMs = (a: { start: number; end: number }, b: { start: number; end: number }): number =>
  Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));

/** A strategy's figures from its simulation and its engine's ledger, against the fleet's shift windows. */
const figuresOf = (
  result: SimulationResult,
  engine: Prepared['engine'],
  config: ShiftsConfig,
  models: readonly FleetModel[],
  price: number,
): Omit<StrategyFigures, 'outsideShiftRatioToOracle'> => {
  const windows = windowsBetween(config, result.from, result.to);
  const ledger = engine.ledger();
  let unitMinutesInShift = 0;
  let unitMinutesBilled = 0;
  const span = (window: { start: Date; end: Date }) => ({
    start: window.start.getTime(),
    end: window.end.getTime(),
  });
  for (const model of models) {
    const measured = model.runs.flatMap((run) => run.windows.map(span));
    const starts = new Set(measured.map((window) => window.start));
    // A run under way when the month begins is not measured (simulate skips its minutes too), so
    // neither is what a strategy paid inside its windows.
    const unmeasured = windows
      .filter((window) => window.model === model.id && !starts.has(window.start.getTime()))
      .map(span);
    for (const run of ledger.runs) {
      if (run.projectName !== model.ref.projectName || run.modelVersion !== model.ref.modelVersion) continue;
      const billed = { start: run.startedAt.getTime(), end: (run.endedAt ?? result.to).getTime() };
      const overlap = (spans: readonly { start: number; end: number }[]) =>
        spans.reduce((sum, window) => sum + overlapMs(billed, window), 0);
      unitMinutesBilled +=
        (run.minInferenceUnits * (billed.end - billed.start - overlap(unmeasured))) / minute;
      unitMinutesInShift += (run.minInferenceUnits * overlap(measured)) / minute;
    }
  }
  const shiftMinutes = result.models.reduce((sum, model) => sum + model.shiftMinutes, 0);
  const hosted = result.models.reduce((sum, model) => sum + model.hostedShiftMinutes, 0);
  return {
    shiftMinutes,
    missedShiftMinutes: shiftMinutes - hosted,
    coverage: shiftMinutes === 0 ? 1 : hosted / shiftMinutes,
    unitHoursInShift: unitMinutesInShift / 60,
    unitHoursOutsideShift: (unitMinutesBilled - unitMinutesInShift) / 60,
    costUsd: (unitMinutesBilled / 60) * price,
    controlPlaneCalls: engine.callLog().length,
    lateStarts: result.models.reduce((sum, model) => sum + model.lateWindows.length, 0),
  };
};

/** A strategy's figures before they are compared with the oracle's. */
export type OwnFigures = Omit<StrategyFigures, 'outsideShiftRatioToOracle'>;

/** Runs one strategy over the month and answers its figures and the wall-clock seconds it took. */
export const runStrategy = async (
  params: MonthParams,
  name: StrategyName,
): Promise<{ figures: OwnFigures; seconds: number }> => {
  const started = performance.now();
  const fleet = monthFleet(params.models, params.projects);
  const from = monthStart;
  const to = new Date(from.getTime() + params.days * day);
  // The baselines and the oracle see the shifts without any lead: a run is back-to-back windows only.
  const shifts = withLead(fleet, 0);
  const models: FleetModel[] = fleet.models.map((model) => {
    const ref = refOfModel(model) as LookoutVisionRef;
    const key = keyOf(ref);
    return {
      id: model.id,
      ref,
      key,
      startLatency: modelStartLatency(params, key),
      stopLatency,
      // Runs under way when the month begins had no chance to be started; simulate skips them too.
      runs: runsBetween(shifts, from, to, { model: model.id }).filter(
        (run) => run.start.getTime() >= from.getTime(),
      ),
    };
  });
  const knownLatency = (): ShiftsConfig => {
    const leads = knownLatencyLeads(params, models, fleet);
    const base = withLead(fleet, 0);
    return { ...base, models: base.models.map((model) => ({ ...model, leadMinutes: leads[model.id] ?? 0 })) };
  };
  const configs: Record<StrategyName, () => ShiftsConfig> = {
    scheduler: () => schedulerStrategyConfig(fleet),
    'fixed-lead': () => withLead(fleet, fixedLeadMinutes),
    'edge-cron': () => fleet,
    reconciler: () => fleet,
    oracle: () => fleet,
    [referenceName]: knownLatency,
  };
  const drivers: Record<StrategyName, ((context: StrategyContext) => Driver) | undefined> = {
    scheduler: undefined,
    'fixed-lead': undefined,
    [referenceName]: undefined,
    'edge-cron': edgeCron,
    reconciler,
    oracle: (context) =>
      oracle(context, { seed: params.seed, hostingFailureProbability: params.hostingFailed }),
  };
  const config = configs[name]();
  const prepared = prepare(params, config, models, from);
  await applyConfig(prepared.deps.configs, config, { source: `month fleet (${name})`, at: from });
  const driver = drivers[name]?.(prepared.context);
  const result = await simulate({
    config,
    deps: prepared.deps,
    emulator: prepared.engine,
    from,
    to,
    ...(driver ? { driver } : {}),
  });
  // Outside-shift cost is measured against the fleet's shift windows, whatever lead a strategy ran with.
  const price = fleet.defaults.pricePerInferenceUnitHour ?? 0;
  const figures = figuresOf(result, prepared.engine, fleet, models, price);
  return { figures, seconds: (performance.now() - started) / 1000 };
};

/** How the strategies of one month are run: one after another here, or each on a worker of a pool. */
export type StrategyRunner = (
  params: MonthParams,
  name: StrategyName,
) => Promise<{ figures: OwnFigures; seconds: number }>;

/**
 * Runs the month once per strategy on the same draws and answers each one's figures.
 * `only` limits the strategies run (the oracle always runs, and `known-latency` with its flag); `onStrategy`
 * hears of each one as it ends, with its wall-clock seconds. `runner` runs one strategy (in this
 * process by default); `parallel` is how many run at once.
 */
export const runMonth = async (
  params: MonthParams,
  options: {
    readonly only?: readonly StrategyName[];
    readonly onStrategy?: (name: StrategyName, seconds: number) => void;
    readonly runner?: StrategyRunner;
    readonly parallel?: number;
  } = {},
): Promise<MonthReport> => {
  const began = performance.now();
  const { only, onStrategy, runner = runStrategy } = options;
  const from = monthStart;
  const to = new Date(from.getTime() + params.days * day);
  const names: readonly StrategyName[] = params.knownLatency
    ? [...strategyNames, referenceName]
    : strategyNames;
  // The oracle always runs (the ratios are to it), and the reference whenever its flag asks for it.
  const chosen = names.filter(
    (name) => name === 'oracle' || name === referenceName || !only || only.includes(name),
  );
  const figures: Partial<Record<StrategyName, OwnFigures>> = {};
  const wallSeconds: Partial<Record<StrategyName | 'total', number>> = {};
  // The longest first (the scheduler's own passes), so a pool ends as early as it can.
  const queue = [...chosen];
  const lane = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const done = await runner(params, name);
      figures[name] = done.figures;
      wallSeconds[name] = done.seconds;
      onStrategy?.(name, done.seconds);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallel ?? 1) }, lane));
  const oracleOutside = figures.oracle?.unitHoursOutsideShift ?? 0;
  const strategies = Object.fromEntries(
    chosen.map((name) => {
      const own = figures[name] as OwnFigures;
      return [
        name,
        {
          ...own,
          outsideShiftRatioToOracle:
            oracleOutside === 0
              ? own.unitHoursOutsideShift === 0
                ? 1
                : Number.POSITIVE_INFINITY
              : own.unitHoursOutsideShift / oracleOutside,
        },
      ];
    }),
  ) as MonthReport['strategies'];
  wallSeconds.total = (performance.now() - began) / 1000;
  return {
    params: {
      days: params.days,
      models: params.models,
      projects: params.projects,
      seed: params.seed,
      latency: params.latency,
      modelSpread: params.modelSpread,
      throttle: params.throttle,
      hostingFailed: params.hostingFailed,
      from: from.toISOString(),
      to: to.toISOString(),
    },
    strategies,
    wallSeconds: wallSeconds as MonthReport['wallSeconds'],
  };
};

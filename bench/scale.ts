/**
 * `npm run bench -- scale`: the scheduler as deployed over 100, 1,000 and 5,000 Lookout for Vision
 * models in 20 projects, on the emulator's virtual clock with its 5-requests-per-second quota per API
 * counted on that clock, through the real SDK clients (paced by the scheduler's own pacer), with
 * in-memory repositories (they pass the same contract suite as the DynamoDB ones).
 *
 * - cold pass: every model's run starts at one instant (shift start − lead). The ticks before it
 *   arm the start timer of the queue; the startAt pass (300 s Lambda deadline, continuations
 *   included) sends the starts. Its virtual time is set against the quota-bound minimum (N/5 s).
 * - steady pass: a tick during the shift with every model HOSTED: nothing to do but observe.
 *
 * Printed per fleet: virtual time against the quota bound and the ratio, calls per API, repository
 * reads and writes per model, throttled calls, continuations, and whether every model was HOSTED at
 * its shift start.
 */

import { applyConfig } from '../src/app/apply-config.ts';
import type { ReconcileDeps } from '../src/app/reconcile.ts';
import { renderTable, right } from '../src/cli/render.ts';
import { createDynamoDocumentClient } from '../src/platform/aws-clients.ts';
import { parseShiftsText, type ShiftsConfig } from '../src/providers/config.ts';
import { emulators } from '../src/providers/emulators.ts';
import { refOfModel } from '../src/providers/registry.ts';
import { startLocalScheduler } from '../src/simulation/local-scheduler.ts';
import { deployedDriver, deployedTimeoutsMs } from '../src/simulation/simulate.ts';
import type { ConfigRepository } from '../src/store/config-repository.ts';
import { InMemoryConfigRepository } from '../src/store/in-memory-config-repository.ts';
import { InMemoryRunRepository } from '../src/store/in-memory-run-repository.ts';
import type { RunRepository } from '../src/store/run-repository.ts';

const minute = 60_000;
const projects = 20;
const rate = 5;
const leadMinutes = 20;
/** Friday 2027-03-26, 06:00 in Berlin: every model's shift starts then. */
const shiftStart = new Date('2027-03-26T05:00:00Z');
const startInstant = new Date(shiftStart.getTime() - leadMinutes * minute);

const fleetOf = (count: number): ShiftsConfig =>
  parseShiftsText(
    [
      'version: 1',
      `defaults: { timezone: Europe/Berlin, leadMinutes: ${leadMinutes} }`,
      'schedules:',
      '  early:',
      '    shifts: [{ name: early, days: mon-fri, start: "06:00", end: "14:00", minInferenceUnits: 1 }]',
      'models:',
      ...Array.from(
        { length: count },
        (_, i) =>
          `  - { id: m${i}, provider: lookoutvision, projectName: project-${i % projects}, modelVersion: "${Math.floor(i / projects) + 1}", schedule: early }`,
      ),
    ].join('\n'),
    `scale-${count}.yml`,
  );

const writeMethods = new Set(['create', 'save', 'apply', 'setOverride', 'clearOverride', 'delete']);

/** A repository whose every call is counted as a read or a write (what DynamoDB would bill). */
const counted = <T extends object>(target: T, counts: { reads: number; writes: number }): T =>
  new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (writeMethods.has(String(property))) counts.writes += 1;
        else counts.reads += 1;
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });

interface PassFigures {
  readonly virtualSeconds: number;
  readonly boundSeconds: number;
  readonly calls: Readonly<Record<string, number>>;
  readonly throttled: number;
  readonly reads: number;
  readonly writes: number;
  readonly passes: number;
}

interface FleetFigures {
  readonly models: number;
  readonly cold: PassFigures;
  readonly steady: PassFigures;
  readonly hostedAtShiftStart: number;
  readonly lateStarts: number;
  readonly wallSeconds: number;
}

const measureFleet = async (count: number): Promise<FleetFigures> => {
  const wallStart = performance.now();
  const config = fleetOf(count);
  const from = new Date(startInstant.getTime() - 25 * minute);
  const local = await startLocalScheduler({
    config,
    start: from,
    // The repositories below are in memory; the DynamoDB client is never called.
    documents: createDynamoDocumentClient({ endpoint: 'http://127.0.0.1:9', region: 'eu-central-1' }),
    tables: { configTable: 'unused', runsTable: 'unused' },
    requestsPerSecond: rate,
    startLatency: 10 * minute,
    stopLatency: 2 * minute,
    paced: true,
  });
  try {
    const counts = { reads: 0, writes: 0 };
    const configs = new InMemoryConfigRepository();
    await applyConfig(configs, config, { source: `scale-${count}.yml`, at: from });
    const { clock } = local;
    const deps: ReconcileDeps = {
      ...local.deps,
      configs: counted<ConfigRepository>(configs, counts),
      runs: counted<RunRepository>(new InMemoryRunRepository(), counts),
    };
    // Each invocation gets its function's deadline on the virtual clock the calls wait on.
    const driver = deployedDriver({
      config,
      deps,
      clock,
      from,
      to: shiftStart,
      edges: false,
      timeoutsMs: deployedTimeoutsMs,
    });

    const snapshot = () => ({
      at: clock.now().getTime(),
      calls: local.emulator.callLog().length,
      reads: counts.reads,
      writes: counts.writes,
    });
    const figuresSince = (before: ReturnType<typeof snapshot>, passes: number, boundCalls: number) => {
      const calls: Record<string, number> = {};
      let throttled = 0;
      for (const call of local.emulator.callLog().slice(before.calls)) {
        calls[call.api] = (calls[call.api] ?? 0) + 1;
        if (call.httpStatus === 429) throttled += 1;
      }
      return {
        virtualSeconds: (clock.now().getTime() - before.at) / 1000,
        boundSeconds: boundCalls / rate,
        calls,
        throttled,
        reads: counts.reads - before.reads,
        writes: counts.writes - before.writes,
        passes,
      };
    };

    // The ticks before the start instant: each arms the timers due before the next; the timers
    // (and any continuation) run as the startAt function, each with its own 300 s deadline.
    let cold: PassFigures | undefined;
    for (let t = from.getTime(); t <= startInstant.getTime(); t += 5 * minute) {
      // A tick that falls while the startAt passes below still run would run beside them, in an
      // invocation of its own; here one pass runs at a time, so it is left out.
      if (t < clock.now().getTime()) continue;
      clock.set(t);
      await driver(new Date(t));
      const first = driver.timers.pending[0];
      if (!first || first.dueMs >= t + 5 * minute) continue;
      // The queue's timer and every continuation after it (each due at once), as the startAt
      // function runs them: one invocation after another, each with its own deadline.
      clock.set(Math.max(clock.now().getTime(), first.dueMs));
      const before = snapshot();
      const passes = driver.counts.timerPasses;
      for (let next = driver.timers.pending[0]; next; next = driver.timers.pending[0]) {
        await driver.advance(new Date(Math.max(next.dueMs, clock.now().getTime()) + 1));
      }
      cold = figuresSince(before, driver.counts.timerPasses - passes, count);
    }

    // Every model HOSTED at its shift start?
    if (shiftStart.getTime() > clock.now().getTime()) clock.set(shiftStart);
    let hostedAtShiftStart = 0;
    for (const model of config.models) {
      const status = emulators.lookoutvision.measure(local.emulator, refOfModel(model))?.status();
      if (status === 'HOSTED') hostedAtShiftStart += 1;
    }
    const lateStarts = local.emulator
      .callLog()
      .filter((call) => call.api === 'StartModel' && call.at.getTime() > startInstant.getTime()).length;

    // The steady pass: a tick in the shift, every model hosted and recorded so, nothing to do. The
    // tick before it records what the models became (HOSTED) and is not counted.
    clock.set(shiftStart);
    await driver(shiftStart);
    const steadyAt = new Date(shiftStart.getTime() + 5 * minute);
    clock.set(steadyAt);
    const steadyBefore = snapshot();
    await driver(steadyAt);
    const listCalls = local.emulator.callLog().slice(steadyBefore.calls).length;
    const steady = figuresSince(steadyBefore, 1, listCalls);

    return {
      models: count,
      cold: cold ?? figuresSince(snapshot(), 0, count),
      steady,
      hostedAtShiftStart,
      lateStarts,
      wallSeconds: (performance.now() - wallStart) / 1000,
    };
  } finally {
    await local.close();
  }
};

const callsText = (calls: Readonly<Record<string, number>>): string =>
  Object.entries(calls)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([api, n]) => `${api} ${n}`)
    .join(', ');

/** Runs the scale benchmark and prints its table. */
export const run = async (): Promise<void> => {
  const sizes = (process.env.SCALE_MODELS ?? '100,1000,5000').split(',').map(Number);
  const results: FleetFigures[] = [];
  for (const size of sizes) results.push(await measureFleet(size));

  const rows = results.flatMap((result) =>
    (['cold', 'steady'] as const).map((kind) => {
      const pass = result[kind];
      return [
        String(result.models),
        kind,
        pass.virtualSeconds.toFixed(1),
        pass.boundSeconds.toFixed(1),
        (pass.virtualSeconds / pass.boundSeconds).toFixed(3),
        String(pass.passes),
        callsText(pass.calls),
        String(pass.throttled),
        (pass.reads / result.models).toFixed(2),
        (pass.writes / result.models).toFixed(2),
        kind === 'cold' ? `${result.hostedAtShiftStart}/${result.models}` : '',
        kind === 'cold' ? String(result.lateStarts) : '',
      ];
    }),
  );
  console.log(
    renderTable(
      [
        right('models'),
        'pass',
        right('virtual s'),
        right('quota bound s'),
        right('ratio'),
        right('passes'),
        'calls per API',
        right('throttled'),
        right('reads/model'),
        right('writes/model'),
        right('HOSTED at shift start'),
        right('starts after instant'),
      ],
      rows,
    ),
  );
  console.log(
    'quota bound: the calls of the pass at 5 per second (cold: N starts; steady: its observing calls). ' +
      `Cold = the startAt passes (each with the ${deployedTimeoutsMs.startAt / 1000} s deadline, continuations included).`,
  );
  console.log(
    `wall seconds: ${results.map((result) => `${result.models}: ${result.wallSeconds.toFixed(1)}`).join(', ')}`,
  );
  const thousand = results.find((result) => result.models === 1000);
  if (thousand) {
    const ratio = thousand.cold.virtualSeconds / thousand.cold.boundSeconds;
    console.log(
      `1,000 models sharing one shift start: ${thousand.hostedAtShiftStart === 1000 ? 'all' : thousand.hostedAtShiftStart} HOSTED at it; ` +
        `cold pass ${ratio.toFixed(3)}× the quota bound (target ≤ 1.1×): ${thousand.hostedAtShiftStart === 1000 && ratio <= 1.1 ? 'met' : 'NOT met'}`,
    );
  }
};

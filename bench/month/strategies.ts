/**
 * The strategies the month bench compares besides the scheduler itself, each a simulation driver
 * that talks to the emulator through the real Lookout for Vision SDK client: a cron at the shift
 * edges, a 5-minute reconciler without a lead, and the oracle.
 */
import {
  ListModelsCommand,
  type LookoutVisionClient,
  StartModelCommand,
  StopModelCommand,
  ThrottlingException,
} from '@aws-sdk/client-lookoutvision';
import type { PassReport } from '../../src/app/reconcile.ts';
import type { VirtualClock } from '../../src/emulator/clock.ts';
import type { LookoutVisionRef } from '../../src/providers/lookoutvision/schema.ts';
import type { Run } from '../../src/schedule/runs.ts';
import type { Driver } from '../../src/simulation/simulate.ts';
import { type OracleAction, type OracleDraws, type OracleModel, oracleActions } from './oracle.ts';

const minute = 60_000;
const noReports: readonly PassReport[] = [];

/** One model of the fleet as the strategies see it: where it lives, its runs, its latencies. */
export interface FleetModel extends OracleModel {
  readonly id: string;
  readonly ref: LookoutVisionRef;
  /** The runs that begin inside the simulated span, sorted. */
  readonly runs: readonly Run[];
}

/** What every strategy below is given. */
export interface StrategyContext {
  readonly client: LookoutVisionClient;
  readonly clock: VirtualClock;
  readonly models: readonly FleetModel[];
  readonly from: Date;
}

const addressOf = (ref: LookoutVisionRef) => ({
  ProjectName: ref.projectName,
  ModelVersion: ref.modelVersion,
});

const startCommand = (ref: LookoutVisionRef, run: Run) =>
  new StartModelCommand({
    ...addressOf(ref),
    MinInferenceUnits: run.minInferenceUnits,
    ...(run.maxInferenceUnits === undefined ? {} : { MaxInferenceUnits: run.maxInferenceUnits }),
  });

const ignoreRefusals = async (send: () => Promise<unknown>): Promise<void> => {
  try {
    await send();
  } catch {
    // A baseline without retries or repair: a refused call is simply lost, as with a bare cron job.
  }
};

/** StartModel at each run's first shift start, StopModel at its last shift's end; no lead, no retry. */
export const edgeCron = ({ client, models }: StrategyContext): Driver => {
  const edges = new Map<number, (() => Promise<unknown>)[]>();
  const at = (instant: Date, send: () => Promise<unknown>) =>
    edges.set(instant.getTime(), [...(edges.get(instant.getTime()) ?? []), send]);
  for (const model of models) {
    for (const run of model.runs) {
      at(run.start, () => client.send(startCommand(model.ref, run)));
      at(run.end, () => client.send(new StopModelCommand(addressOf(model.ref))));
    }
  }
  return async (instant) => {
    for (const send of edges.get(instant.getTime()) ?? []) await ignoreRefusals(send);
    return noReports;
  };
};

/**
 * Every 5 minutes: list each project's models, start a stopped (or failed) model inside a shift,
 * stop a hosted one outside every shift. No lead, no records.
 */
export const reconciler = ({ client, models, from }: StrategyContext): Driver => {
  const projects = [...new Set(models.map((model) => model.ref.projectName))];
  return async (instant) => {
    const t = instant.getTime();
    if ((t - from.getTime()) % (5 * minute) !== 0) return noReports;
    const statuses = new Map<string, string>();
    for (const project of projects) {
      let token: string | undefined;
      do {
        const page = await client
          .send(new ListModelsCommand({ ProjectName: project, ...(token ? { NextToken: token } : {}) }))
          .catch(() => undefined);
        for (const model of page?.Models ?? [])
          statuses.set(`${project}/${model.ModelVersion}`, model.Status ?? '');
        token = page?.NextToken;
      } while (token);
    }
    for (const model of models) {
      const status = statuses.get(`${model.ref.projectName}/${model.ref.modelVersion}`);
      const run = model.runs.find((r) =>
        r.windows.some((w) => w.start.getTime() <= t && t < w.end.getTime()),
      );
      if (run && (status === 'TRAINED' || status === 'HOSTING_FAILED')) {
        await ignoreRefusals(() => client.send(startCommand(model.ref, run)));
      } else if (!run && status === 'HOSTED') {
        await ignoreRefusals(() => client.send(new StopModelCommand(addressOf(model.ref))));
      }
    }
    return noReports;
  };
};

/**
 * The oracle (see oracle.ts): each call at its exact instant, the virtual clock moved to it within
 * the minute; a throttled call is sent again at once, since the oracle knows the answer will come.
 */
export const oracle = (context: StrategyContext, draws: OracleDraws): Driver => {
  const { client, clock, models, from } = context;
  const byMinute = new Map<number, { model: FleetModel; action: OracleAction }[]>();
  for (const model of models) {
    for (const action of oracleActions(model, model.runs, draws, from.getTime())) {
      const key = action.at - (action.at % minute);
      byMinute.set(key, [...(byMinute.get(key) ?? []), { model, action }]);
    }
  }
  for (const list of byMinute.values()) list.sort((a, b) => a.action.at - b.action.at);
  return async (instant) => {
    for (const { model, action } of byMinute.get(instant.getTime()) ?? []) {
      if (action.at > clock.now().getTime()) clock.set(action.at);
      const command =
        action.action === 'start'
          ? startCommand(model.ref, action.run)
          : new StopModelCommand(addressOf(model.ref));
      for (let attempt = 0; ; attempt += 1) {
        try {
          await client.send(command as StartModelCommand);
          break;
        } catch (error) {
          if (!(error instanceof ThrottlingException) || attempt >= 20) throw error;
        }
      }
    }
    return noReports;
  };
};

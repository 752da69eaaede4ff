import type { Observation } from '../hosting/model-host.ts';
import { refKey } from '../providers/registry.ts';
import { resolvedModel } from '../schedule/config.ts';
import type { Lead } from '../schedule/lead.ts';
import { wantedAt } from '../schedule/lifecycle.ts';
import { NotConfiguredError, type StoredOverride } from '../store/config-repository.ts';
import { isClosed, type RunRecord } from '../store/run-record.ts';
import type { AppDeps } from './deps.ts';
import { overrideOf } from './overrides.ts';
import { modelRefOf, observeAll } from './reconcile.ts';
import { withRecordedStarts } from './recorded-starts.ts';

/** One model as `shiftctl status` shows it. */
export interface ModelStatus {
  readonly model: string;
  readonly provider: string;
  readonly schedule: string;
  readonly timezone: string;
  readonly desired: 'on' | 'off';
  readonly desiredReason: string;
  readonly observed: Observation['state'] | 'unknown';
  readonly observedStatus?: string;
  readonly observedMessage?: string;
  /** Units of the run in force (recorded), else of the run the lifecycle wants now. */
  readonly minInferenceUnits?: number;
  readonly maxInferenceUnits?: number;
  readonly run?: { readonly runId: string; readonly outcome: RunRecord['outcome'] };
  readonly override?: StoredOverride;
  /** The next action; a scheduled start carries the lead it is sent with and where that comes from. */
  readonly next?: { readonly action: 'start' | 'stop'; readonly at: Date; readonly lead?: Lead };
}

/** Desired, observed and recorded state of every model at `at`, and what happens next. */
export const statusAt = async (
  deps: Pick<AppDeps, 'configs' | 'runs' | 'hosts'>,
  at: Date,
): Promise<ModelStatus[]> => {
  const { applied, overrides: stored } = await deps.configs.snapshot();
  if (!applied) throw new NotConfiguredError();
  // The same learned leads the tick at `at` would use.
  const config = await withRecordedStarts(deps.runs, applied.config, at);
  const observations = await observeAll(deps, config.models.map(modelRefOf));
  return Promise.all(
    config.models.map(async (model): Promise<ModelStatus> => {
      const resolved = resolvedModel(config, model.id);
      const own = stored.find((candidate) => candidate.model === model.id);
      const { desired, run: wanted } = wantedAt(config, model.id, at, own ? overrideOf(own) : undefined);
      const observation = observations.get(refKey(modelRefOf(model)));
      const open = (await deps.runs.open(model.id)).filter((run) => !isClosed(run.outcome));
      const current = open.at(-1);
      const units = current ?? wanted;
      const override = own && Date.parse(own.until) > at.getTime() ? own : undefined;
      return {
        model: model.id,
        provider: model.provider,
        schedule: resolved.scheduleName,
        timezone: resolved.timezone,
        desired: desired.state,
        desiredReason: desired.reason,
        observed: observation && !(observation instanceof Error) ? observation.state : 'unknown',
        ...(observation instanceof Error
          ? { observedMessage: `${observation.code}: ${observation.message}` }
          : {
              ...(observation?.rawStatus ? { observedStatus: observation.rawStatus } : {}),
              ...(observation?.message ? { observedMessage: observation.message } : {}),
            }),
        ...(units
          ? {
              minInferenceUnits: units.minInferenceUnits,
              ...(units.maxInferenceUnits === undefined
                ? {}
                : { maxInferenceUnits: units.maxInferenceUnits }),
            }
          : {}),
        ...(current ? { run: { runId: current.runId, outcome: current.outcome } } : {}),
        ...(override ? { override } : {}),
        ...(desired.nextChange
          ? {
              next: {
                action: desired.nextChange.state === 'on' ? 'start' : 'stop',
                at: desired.nextChange.at,
                ...(desired.nextChange.lead ? { lead: desired.nextChange.lead } : {}),
              },
            }
          : {}),
      };
    }),
  );
};

import { SchedulerError } from '../errors.ts';
import { HostingError, type ModelRef, type Observation } from '../hosting/model-host.ts';
import { refKey } from '../providers/registry.ts';
import { resolvedModel, type SchedulerConfig } from '../schedule/config.ts';
import type { ConfigRepository } from '../store/config-repository.ts';
import { type Intent, isClosed, type RunRecord, tokenLifetimeMs } from '../store/run-record.ts';
import type { RunRepository } from '../store/run-repository.ts';
import { configChanges } from './apply-config.ts';
import { defaultPolicy } from './decide.ts';
import { type HostRegistry, modelRefOf, observeAll } from './reconcile.ts';

/**
 * `shiftctl doctor`: what the file, the config table, the runs table and each hosting service say,
 * compared at one instant. Each disagreement is a finding with what a person should do about it;
 * the scheduler's own passes repair the rest.
 */

/** The kinds of disagreement, each with its own advice. */
export type FindingKind =
  | 'not-configured'
  | 'config-refused'
  | 'file-not-applied'
  | 'unknown-to-provider'
  | 'not-observable'
  | 'unmanaged-hosting'
  | 'run-open-past-end'
  | 'intent-unanswered'
  | 'token-expiring';

export interface Finding {
  readonly kind: FindingKind;
  /** The model it concerns, where it concerns one. */
  readonly model?: string;
  readonly runId?: string;
  /** What disagrees, in a sentence. */
  readonly detail: string;
  /** What to do about it. */
  readonly action: string;
  /** For unmanaged hosting: what the model costs per hour while it runs, in USD. */
  readonly costPerHour?: number;
}

export interface DoctorReport {
  readonly at: Date;
  /** The version of the configuration in force, when one is applied. */
  readonly configVersion?: number;
  /** Models looked at (configured, and named in the file). */
  readonly models: number;
  /** Open runs looked at. */
  readonly openRuns: number;
  readonly findings: readonly Finding[];
}

export interface DoctorDeps {
  readonly configs: ConfigRepository;
  readonly runs: RunRepository;
  readonly hosts: HostRegistry;
}

export interface DoctorRequest {
  readonly at: Date;
  /** The shifts.yml to compare with the table, already validated, and its name for messages. */
  readonly file?: { readonly source: string; readonly config: SchedulerConfig };
}

/** A run still open this long after its planned end needs a person: the tick closes one in minutes. */
export const openRunGraceMs = 15 * 60 * 1000;

/** A token this close to the end of its life is flagged while its call is still unanswered. */
export const tokenWarningMs = 60 * 60 * 1000;

const hostedStates: ReadonlySet<Observation['state']> = new Set([
  'hosted',
  'starting',
  'updating',
  'stopping',
]);

/**
 * Compares, at `request.at`, the file (if given), the configuration in force, the runs table and
 * each provider's own view, and lists every disagreement. Reads only; sends no start or stop.
 */
export const diagnose = async (deps: DoctorDeps, request: DoctorRequest): Promise<DoctorReport> => {
  const { at, file } = request;
  const applied = await deps.configs.current();
  const findings: Finding[] = [];
  if (!applied) {
    findings.push({
      kind: 'not-configured',
      detail: 'no configuration has been applied: the functions have nothing to start or stop',
      action: `run \`shiftctl apply -f ${file?.source ?? 'shifts.yml'}\``,
    });
  }
  if (applied?.refused) {
    findings.push({
      kind: 'config-refused',
      detail: `configuration version ${applied.refused.version} in the table fails validation, so version ${applied.version} keeps running: ${applied.refused.message}`,
      action: 'apply a valid file (`shiftctl apply -f shifts.yml`); never edit the config table by hand',
    });
  }
  if (file) findings.push(...fileFindings(file, applied?.config));

  // Every model either side knows of, configured entries first: their units and price are in force.
  const models = new Map<string, SchedulerConfig['models'][number]>();
  const priceOf = new Map<string, number>();
  for (const config of [applied?.config, file?.config]) {
    if (!config) continue;
    for (const model of config.models) {
      if (models.has(model.id)) continue;
      models.set(model.id, model);
      priceOf.set(model.id, resolvedModel(config, model.id).pricePerInferenceUnitHour);
    }
  }
  const configured = new Set(applied?.config.models.map((model) => model.id) ?? []);
  const observations = await observeAll(deps, [...models.values()].map(modelRefOf));
  const openRuns = new Map<string, RunRecord[]>();
  for (const id of models.keys()) {
    openRuns.set(
      id,
      (await deps.runs.open(id)).filter((run) => !isClosed(run.outcome)),
    );
  }

  for (const [id, model] of models) {
    const ref = modelRefOf(model);
    const observed = observations.get(refKey(ref));
    const open = openRuns.get(id) ?? [];
    if (observed === undefined || observed instanceof HostingError) {
      findings.push({
        kind: 'not-observable',
        model: id,
        detail: `${ref.provider} could not be asked about it: ${observed?.message ?? 'no answer'}`,
        action: HostingError.is(observed, 'AccessDenied')
          ? 'grant the functions (and you) the read permission the README lists for this provider'
          : 'look again; if it persists, check the endpoint, credentials and region',
      });
    } else if (observed.state === 'missing' && configured.has(id)) {
      findings.push({
        kind: 'unknown-to-provider',
        model: id,
        detail: `${ref.provider} does not know it${observed.message ? `: ${observed.message}` : ''}`,
        action: 'fix its fields in the file (project, version, endpoint, region) and apply it, or remove it',
      });
    } else if (hostedStates.has(observed.state) && open.length === 0) {
      // A list call may not carry units: one describe of this model says what it costs.
      const units = observed.minInferenceUnits ?? (await unitsOf(deps.hosts, ref));
      const costPerHour = (units ?? 1) * (priceOf.get(id) ?? 0);
      const spend = units === undefined ? 'at least' : 'about';
      findings.push({
        kind: 'unmanaged-hosting',
        model: id,
        detail: `${observed.rawStatus ?? observed.state} at ${ref.provider} with ${units ?? 'an unknown number of'} unit(s), and no open run explains it: unmanaged spend of ${spend} $${costPerHour.toFixed(2)} per hour`,
        action: configured.has(id)
          ? 'stop it (`shiftctl override set` … `--state off` for a while), or let the next tick adopt it if a run is due'
          : 'it is not configured, so the scheduler will never stop it: stop it at the service or apply a file that names it',
        costPerHour,
      });
    }
    const supportsToken = deps.hosts[ref.provider]?.supportsClientToken ?? false;
    for (const run of open) findings.push(...runFindings(run, at, supportsToken));
  }

  return {
    at,
    ...(applied ? { configVersion: applied.version } : {}),
    models: models.size,
    openRuns: [...openRuns.values()].reduce((total, runs) => total + runs.length, 0),
    findings,
  };
};

/** The file against the configuration in force: anything the file says that is not applied. */
const fileFindings = (
  file: NonNullable<DoctorRequest['file']>,
  current: SchedulerConfig | undefined,
): Finding[] => {
  if (!current) return [];
  return configChanges(current, file.config).map((change) => {
    const what = change.kind === 'defaults' ? 'defaults' : `${change.kind} ${change.name}`;
    const fields = change.fields?.length ? ` (${change.fields.join(', ')})` : '';
    const detail =
      change.change === 'added'
        ? `${what} is in ${file.source} but not applied`
        : change.change === 'removed'
          ? `${what} is applied but no longer in ${file.source}`
          : `${what} differs between ${file.source} and the configuration in force${fields}`;
    return {
      kind: 'file-not-applied',
      ...(change.kind === 'model' ? { model: change.name } : {}),
      detail,
      action: `review with \`shiftctl apply -f ${file.source} --dry-run\`, then apply it`,
    };
  });
};

/** What is wrong with one open run at `at`: left open past its end, an unanswered call, a token near its end. */
const runFindings = (run: RunRecord, at: Date, supportsToken: boolean): Finding[] => {
  const findings: Finding[] = [];
  const base = { model: run.model, runId: run.runId };
  const overdue = at.getTime() - Date.parse(run.plannedEndAt);
  if (overdue > openRunGraceMs) {
    findings.push({
      ...base,
      kind: 'run-open-past-end',
      detail: `run is ${run.outcome} ${Math.round(overdue / 60_000)} minutes after its planned end ${run.plannedEndAt}`,
      action:
        'check that the reconcile function runs (its log and the failure queue); `shiftctl tick` runs a pass now',
    });
  }
  for (const [action, intent] of [
    ['start', run.starts.at(-1)],
    ['stop', run.stops.at(-1)],
  ] as const) {
    if (!intent || isAnswered(intent)) continue;
    const age = at.getTime() - Date.parse(intent.intendedAt);
    if (age > defaultPolicy.intentLeaseMs) {
      findings.push({
        ...base,
        kind: 'intent-unanswered',
        detail: `the ${action} written at ${intent.intendedAt} (token ${intent.clientToken}) has had no answer for ${Math.round(age / 1000)} s, past its ${defaultPolicy.intentLeaseMs / 1000} s lease`,
        action:
          'a pass that stopped between writing and sending left it; the next tick observes the model and sends it again or takes the answer; if it stays, check the function logs',
      });
    }
    const left = Date.parse(intent.intendedAt) + tokenLifetimeMs - at.getTime();
    if (supportsToken && left > 0 && left < tokenWarningMs) {
      findings.push({
        ...base,
        kind: 'token-expiring',
        detail: `the ${action} token ${intent.clientToken} expires at ${new Date(Date.parse(intent.intendedAt) + tokenLifetimeMs).toISOString()} with its call unanswered: a resend after that is a new request`,
        action: `observe the model (\`shiftctl status\`) and settle the run before then`,
      });
    }
  }
  return findings;
};

/** The minimum units the service reports for one model, when a describe call says. */
const unitsOf = async (hosts: HostRegistry, ref: ModelRef): Promise<number | undefined> => {
  const observed = await hosts[ref.provider]?.observe(ref).catch(() => undefined);
  return observed?.minInferenceUnits;
};

const isAnswered = (intent: Intent): boolean =>
  intent.acceptedAt !== undefined || intent.errorCode !== undefined;

/** `shiftctl doctor` found something that needs a person. Exit status 1. */
export class NeedsAttentionError extends SchedulerError {
  override readonly name = 'NeedsAttentionError';
  readonly code = 'NeedsAttention';
}

import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterEach, expect } from 'vitest';
import { applyConfig } from '../../src/app/apply-config.ts';
import { type PassReport, type ReconcileDeps, reconcile } from '../../src/app/reconcile.ts';
import type { EmulatorEngine } from '../../src/emulator/engine.ts';
import { createDynamoDocumentClient } from '../../src/platform/aws-clients.ts';
import { type ShiftsConfig, shiftsRules } from '../../src/providers/config.ts';
import { createHosts } from '../../src/providers/registry.ts';
import { type LocalScheduler, startLocalScheduler } from '../../src/simulation/local-scheduler.ts';
import { DynamoConfigRepository } from '../../src/store/dynamo-config-repository.ts';
import { DynamoRunRepository } from '../../src/store/dynamo-run-repository.ts';
import type { RunRecord } from '../../src/store/run-record.ts';
import { createTestTables, type TestTables } from './dynamodb.ts';
import { type FaultProxy, type ProxiedRequest, startFaultProxy } from './fault-proxy.ts';
import type { ProviderFixture, ServiceView } from './providers.ts';
import { exampleOn, lineModel, nightModel } from './scenarios/scheduler.ts';

const minute = 60_000;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'eu-central-1';

/** Where the fault suite puts a proxy: in front of DynamoDB Local, the emulator, or both. */
export interface ProxiedParts {
  readonly dynamodb?: boolean;
  readonly service?: boolean;
}

/**
 * The scheduler as a Lambda runs it, on tables of its own and the provider's emulator at `start`
 * (INTERFACE.md example, both models on the provider), with proxies where the case breaks things.
 * `deps` are the pass's: its document client and hosts go through the proxies; `tables.client`
 * and the emulator handles do not, so the test reads what really happened.
 */
export interface FaultScenario {
  readonly config: ShiftsConfig;
  readonly tables: TestTables;
  readonly local: LocalScheduler;
  readonly deps: ReconcileDeps;
  /** The proxy in front of DynamoDB Local, when asked for. */
  readonly dynamodb?: FaultProxy;
  /** The proxy in front of the emulator, when asked for. */
  readonly service?: FaultProxy;
  /** pcb-line-1 (slot 0) and night-inspection (slot 1) at the service. */
  readonly line: ServiceView;
  readonly night: ServiceView;
  /** The provider's emulator engine, for its own fault admin (scripted exceptions). */
  readonly engine: EmulatorEngine;
  /**
   * Another invocation at the same time: its own document client and SDK clients of every provider
   * on the same tables and emulators, as a second Lambda container has. Closed with the scenario.
   */
  invocation(): ReconcileDeps;
  /** Moves the emulator's clock to `at` and runs one pass there with `deps` (default the scenario's). */
  tick(at: Date, deps?: ReconcileDeps): Promise<PassReport>;
  close(): Promise<void>;
}

/** Starts a {@link FaultScenario} for `provider` at `start`: starts take 5 minutes, stops 2. */
export const startFaultScenario = async (
  provider: ProviderFixture,
  start: Date,
  proxied: ProxiedParts = {},
): Promise<FaultScenario> => {
  const config = exampleOn(provider);
  const tables = await createTestTables(`faults-${provider.id}`);
  const dynamodb = proxied.dynamodb ? await startFaultProxy(tables.endpoint) : undefined;
  // The pass's own client, as a Lambda builds it; only the endpoint differs.
  const documents = dynamodb
    ? createDynamoDocumentClient({ endpoint: dynamodb.url, region, credentials })
    : tables.client;
  const local = await startLocalScheduler({
    config,
    start,
    documents,
    tables: tables.names,
    ...provider.emulatorOptions({ seed: 5, startLatency: 5 * minute, stopLatency: 2 * minute }),
  });
  await applyConfig(local.deps.configs, config, { source: `faults-${provider.id}.yml`, at: start });
  const service = proxied.service ? await startFaultProxy(local.server.url) : undefined;
  const invocations: { destroy(): void }[] = [];
  const deps: ReconcileDeps = service
    ? { ...local.deps, hosts: createHosts({ endpoint: service.url, region, credentials }) }
    : local.deps;
  return {
    config,
    tables,
    local,
    deps,
    ...(dynamodb ? { dynamodb } : {}),
    ...(service ? { service } : {}),
    line: provider.service(local, 0),
    night: provider.service(local, 1),
    engine: engineOf(local, provider.id),
    invocation: () => {
      const own = createDynamoDocumentClient({ endpoint: tables.endpoint, region, credentials });
      invocations.push(own);
      return {
        configs: new DynamoConfigRepository(own, tables.names.configTable, shiftsRules),
        runs: new DynamoRunRepository(own, tables.names.runsTable),
        // The SDK finds the emulator through AWS_ENDPOINT_URL_<SERVICE>, which the scheduler's start set.
        hosts: createHosts({ region, credentials, retryStrategy: new ConfiguredRetryStrategy(3, () => 1) }),
        sleep: async () => {},
      };
    },
    tick: (at, passDeps = deps) => {
      local.clock.set(at);
      return reconcile(passDeps, { at });
    },
    close: async () => {
      for (const client of invocations.splice(0)) client.destroy();
      await service?.close();
      await local.close();
      if (dynamodb) {
        documents.destroy();
        await dynamodb.close();
      }
      await tables.drop();
    },
  };
};

const engineOf = (local: LocalScheduler, id: ProviderFixture['id']): EmulatorEngine => {
  const engines: Readonly<Record<ProviderFixture['id'], EmulatorEngine | undefined>> = {
    lookoutvision: local.emulator,
    rekognition: local.rekognition,
    sagemaker: local.sagemaker,
  };
  const engine = engines[id];
  if (!engine) throw new Error(`no ${id} emulator was started`);
  return engine;
};

const acceptedCalls = (view: ServiceView) => view.starts().filter((call) => call.outcome === 'accepted');

/** The outcome of `model` in a pass. */
export const outcomeOf = (report: PassReport, model: string) => {
  const outcome = report.outcomes.find((candidate) => candidate.model === model);
  if (!outcome) throw new Error(`no outcome for ${model} at ${report.at.toISOString()}`);
  return outcome;
};

/**
 * What every fault case must leave, read from the tables directly and from the emulator's call log:
 * no double start (exactly one accepted start per run that started), and no lost run record (every
 * accepted start belongs to a run that holds its intent and token, and the token is on record).
 * Where the service takes client tokens, each accepted start carries the token of its run's intent.
 */
export const expectOneStartPerRun = async (
  scenario: FaultScenario,
  provider: ProviderFixture,
  model: string = lineModel,
): Promise<RunRecord[]> => {
  const view = model === nightModel ? scenario.night : scenario.line;
  const runs = await scenario.local.deps.runs.list(model);
  const started = runs.filter((run) => run.starts.some((intent) => intent.acceptedAt !== undefined));
  const accepted = acceptedCalls(view);
  expect(accepted, `accepted starts of ${model}`).toHaveLength(started.length);
  for (const run of started) {
    expect(
      run.starts.filter((intent) => intent.acceptedAt !== undefined),
      `accepted intents of ${run.runId}`,
    ).toHaveLength(1);
    expect(run.billedFrom, `billedFrom of ${run.runId}`).toEqual(expect.any(String));
  }
  for (const run of runs) {
    for (const intent of run.starts) {
      const token = await scenario.local.deps.runs.getToken(intent.clientToken);
      expect(token, `token record of ${intent.clientToken}`).toMatchObject({
        model,
        runId: run.runId,
        action: 'start',
        attempt: intent.attempt,
      });
    }
  }
  if (provider.clientTokens) {
    const tokens = started.flatMap((run) => run.starts.map((intent) => intent.clientToken));
    for (const call of accepted) expect(tokens).toContain(call.clientToken);
  }
  return runs;
};

/** The service's own status word for a hosted model, as each emulator shows it. */
export const hostedStatus: Readonly<Record<ProviderFixture['id'], string>> = {
  lookoutvision: 'HOSTED',
  rekognition: 'RUNNING',
  sagemaker: 'InService',
};

/** How each service names what the fault cases break: its start request, its internal error, its observing call. */
export interface ServiceFaultTerms {
  /** Whether a request through the proxy is a start of a model (not a stop). */
  readonly isStart: (request: ProxiedRequest) => boolean;
  /** Whether a request through the proxy is the call that observes the models. */
  readonly isObserve: (request: ProxiedRequest) => boolean;
  /** The API the emulator's scripted faults name for a start, and its internal-error exception. */
  readonly startApi: string;
  readonly internalError: string;
}

/** One entry per registered provider: a provider added without one is a compile error. */
export const faultTerms: Readonly<Record<ProviderFixture['id'], ServiceFaultTerms>> = {
  lookoutvision: {
    isStart: (request) => request.method === 'POST' && request.path.endsWith('/start'),
    isObserve: (request) => request.method === 'GET' && /\/models(\?|$)/.test(request.path),
    startApi: 'StartModel',
    internalError: 'InternalServerException',
  },
  rekognition: {
    isStart: (request) => request.target === 'RekognitionService.StartProjectVersion',
    isObserve: (request) => request.target === 'RekognitionService.DescribeProjectVersions',
    startApi: 'StartProjectVersion',
    internalError: 'InternalServerError',
  },
  sagemaker: {
    isStart: (request) =>
      request.target === 'SageMaker.UpdateInferenceComponentRuntimeConfig' &&
      !/"CopyCount":0\b/.test(request.body),
    isObserve: (request) =>
      request.target === 'SageMaker.ListInferenceComponents' ||
      request.target === 'SageMaker.DescribeInferenceComponent',
    startApi: 'UpdateInferenceComponentRuntimeConfig',
    internalError: 'InternalFailure',
  },
};

/**
 * A test file's scenario starter: each scenario it starts is closed after the test that started it.
 * Call once at the top of a file.
 */
export const closingScenarios = (): ((
  ...args: Parameters<typeof startFaultScenario>
) => Promise<FaultScenario>) => {
  const opened: FaultScenario[] = [];
  afterEach(async () => {
    for (const scenario of opened.splice(0)) await scenario.close();
  });
  return async (...args) => {
    const scenario = await startFaultScenario(...args);
    opened.push(scenario);
    return scenario;
  };
};

import type { ProviderId } from '../../src/providers/registry.ts';
import type { LocalScheduler, LocalSchedulerOptions } from '../../src/simulation/local-scheduler.ts';

/**
 * What the provider-independent scenarios (test/support/scenarios/) need to know of a hosting
 * service: how shifts.yml names its models, how to start its emulator, and how to drive and read
 * that emulator. A provider added to the scheduler gets the weekday, concurrency, crash and fault
 * scenarios by adding its fixture to {@link fixtures}; until it does, this file does not compile.
 */
export interface ProviderFixture {
  /** The `provider` value in shifts.yml. */
  readonly id: ProviderId;
  /** The service's name, for test titles. */
  readonly name: string;
  /** Whether a start carries the scheduler's client token to the service (idempotent starts). */
  readonly clientTokens: boolean;
  /** Whether a start takes a maximum of units besides the minimum (SageMaker's copies do not). */
  readonly takesMaxInferenceUnits: boolean;
  /**
   * The shifts.yml fields, besides `id` and `schedule`, of the model in `slot` (0 or 1): its
   * provider and the reference naming it on the service. Each slot names another physical model.
   */
  modelFields(slot: number): Readonly<Record<string, string>>;
  /** The options that start this provider's emulator with `settings`, for `startScheduledTest`. */
  emulatorOptions(settings: EmulatorSettings): SchedulerTestOptions;
  /** The emulated service as it concerns the model in `slot`. */
  service(local: LocalScheduler, slot: number): ServiceView;
}

/** How the scheduler's emulator is started (`startScheduledTest`'s options). */
export type SchedulerTestOptions = Omit<LocalSchedulerOptions, 'config' | 'start' | 'documents' | 'tables'>;

/** A latency in virtual milliseconds: fixed, or drawn from a range by the seed. */
export type Latency = number | { readonly minMs: number; readonly maxMs: number };

/** The emulator settings every provider's emulator takes. */
export interface EmulatorSettings {
  /** The same seed replays the same latencies and faults. */
  readonly seed: number;
  readonly startLatency: Latency;
  readonly stopLatency: Latency;
  /** The chance that any request is throttled. */
  readonly throttleProbability?: number;
}

/** A request the emulator logged, as the scenarios compare them. */
export interface ServiceCall {
  readonly at: Date;
  readonly outcome: string;
  readonly clientToken?: string | undefined;
  readonly errorType?: string | undefined;
}

/** A billed run in the emulator's ledger. */
export interface BilledRun {
  readonly startedAt: Date;
  readonly endedAt: Date | null;
  readonly minInferenceUnits: number;
  readonly maxInferenceUnits?: number | undefined;
  readonly outcome: string;
}

/** One model on its emulated service: what was asked of it, what was billed, and faults to inject. */
export interface ServiceView {
  /** The start requests for the model (every outcome: accepted, replayed, error). */
  starts(): readonly ServiceCall[];
  /** The stop requests for the model. */
  stops(): readonly ServiceCall[];
  /** Every request the service answered with `errorType`, whichever model it was about. */
  errorsOfType(errorType: string): readonly ServiceCall[];
  /** Every request the service answered with an error, whichever model it was about. */
  errors(): readonly ServiceCall[];
  /** The model's billed runs. */
  billed(): readonly BilledRun[];
  /** The model's status on the service, in the service's words. */
  status(): string;
  /** The next `count` starts are accepted, then the hosting fails. */
  failNextStarts(count: number): void;
  /** The next `times` starts of the model are refused for access. */
  denyStarts(times: number): void;
  /** The model is being deleted on the service: it can no longer be started. */
  deleting(): void;
  /** The model is created again at the same address, ready to start, as a new model. */
  recreate(): void;
}

const lookoutVisionModels = [
  { projectName: 'circuit-boards', modelVersion: '3' },
  { projectName: 'weld-seams', modelVersion: '1' },
] as const;

const slotOf = <T>(slots: readonly T[], slot: number): T => {
  const found = slots[slot];
  if (found === undefined) throw new RangeError(`no model in slot ${slot}`);
  return found;
};

/** Lookout for Vision: models by project and version, client tokens on start and stop. */
export const lookoutVision: ProviderFixture = {
  id: 'lookoutvision',
  name: 'Lookout for Vision',
  clientTokens: true,
  takesMaxInferenceUnits: true,
  modelFields: (slot) => ({ provider: 'lookoutvision', ...slotOf(lookoutVisionModels, slot) }),
  emulatorOptions: ({ throttleProbability, ...settings }) => ({
    ...settings,
    ...(throttleProbability === undefined ? {} : { faults: { throttleProbability } }),
  }),
  service: (local, slot) => {
    const address = slotOf(lookoutVisionModels, slot);
    const emulator = local.emulator;
    const callsTo = (api: string) =>
      emulator
        .callLog()
        .filter(
          (call) =>
            call.api === api &&
            call.projectName === address.projectName &&
            call.modelVersion === address.modelVersion,
        );
    return {
      starts: () => callsTo('StartModel'),
      stops: () => callsTo('StopModel'),
      errorsOfType: (errorType) => emulator.callLog().filter((call) => call.errorType === errorType),
      errors: () => emulator.callLog().filter((call) => call.outcome === 'error'),
      billed: () =>
        emulator
          .ledger()
          .runs.filter(
            (run) => run.projectName === address.projectName && run.modelVersion === address.modelVersion,
          ),
      status: () => emulator.model(address).status,
      failNextStarts: (count) => emulator.failNextStarts(address, count),
      denyStarts: (times) =>
        emulator.injectError({ api: 'StartModel', error: 'AccessDeniedException', times, ...address }),
      deleting: () => {
        emulator.seedModel({ ...address, status: 'DELETING' });
      },
      recreate: () => {
        emulator.seedModel({ ...address });
      },
    };
  },
};

const rekognitionModels = [
  {
    projectName: 'label-line',
    projectArn: 'arn:aws:rekognition:eu-central-1:123456789012:project/label-line/1711000000000',
    versionName: 'label-line.2027-03-01',
  },
  {
    projectName: 'weld-labels',
    projectArn: 'arn:aws:rekognition:eu-central-1:123456789012:project/weld-labels/1711000000001',
    versionName: 'weld-labels.2027-03-01',
  },
] as const;

/** The Rekognition version in `slot`, as its emulator addresses it (for Rekognition's own scenarios). */
export const rekognitionVersion = (slot: number) => slotOf(rekognitionModels, slot);

/** Rekognition Custom Labels: versions by project ARN and version name, no client tokens. */
export const rekognition: ProviderFixture = {
  id: 'rekognition',
  name: 'Rekognition Custom Labels',
  clientTokens: false,
  takesMaxInferenceUnits: true,
  modelFields: (slot) => {
    const { projectArn, versionName } = slotOf(rekognitionModels, slot);
    return { provider: 'rekognition', projectArn, versionName };
  },
  emulatorOptions: ({ throttleProbability, ...settings }) => ({
    rekognitionOptions: {
      ...settings,
      ...(throttleProbability === undefined ? {} : { faults: { throttleProbability } }),
    },
  }),
  service: (local, slot) => {
    const address = slotOf(rekognitionModels, slot);
    const emulator = local.rekognition;
    if (!emulator) throw new Error('no Rekognition emulator was started');
    const versionArn = () => emulator.model(address).projectVersionArn;
    // A version created again gets a new ARN (its creation time ends it): the calls of every one count.
    const isVersion = (arn: string | undefined) =>
      arn !== undefined && arn.replace(/\/\d+$/, '') === versionArn().replace(/\/\d+$/, '');
    const callsTo = (api: string) =>
      emulator.callLog().filter((call) => call.api === api && isVersion(call.projectVersionArn));
    return {
      starts: () => callsTo('StartProjectVersion'),
      stops: () => callsTo('StopProjectVersion'),
      errorsOfType: (errorType) => emulator.callLog().filter((call) => call.errorType === errorType),
      errors: () => emulator.callLog().filter((call) => call.outcome === 'error'),
      billed: () => emulator.ledger().runs.filter((run) => isVersion(run.projectVersionArn)),
      status: () => emulator.model(address).status,
      failNextStarts: (count) => emulator.failNextStarts(address, count),
      denyStarts: (times) =>
        emulator.injectError({
          api: 'StartProjectVersion',
          error: 'AccessDeniedException',
          times,
          projectName: address.projectName,
          versionName: address.versionName,
        }),
      deleting: () => {
        emulator.seedModel({ ...address, status: 'DELETING' });
      },
      recreate: () => {
        emulator.seedModel({ ...address });
      },
    };
  },
};

const sageMakerModels = [
  { endpointName: 'vision-endpoint', inferenceComponentName: 'pcb-defects' },
  { endpointName: 'vision-endpoint', inferenceComponentName: 'weld-defects' },
] as const;

/** SageMaker inference components: by endpoint and component name, copies as units, no client tokens. */
export const sageMaker: ProviderFixture = {
  id: 'sagemaker',
  name: 'SageMaker inference components',
  clientTokens: false,
  takesMaxInferenceUnits: false,
  modelFields: (slot) => ({ provider: 'sagemaker', ...slotOf(sageMakerModels, slot) }),
  emulatorOptions: ({ throttleProbability, ...settings }) => ({
    sageMakerOptions: {
      ...settings,
      // The settings' start latency is the whole time a start takes, a cold endpoint's included.
      scaleFromZeroLatency: 0,
      ...(throttleProbability === undefined ? {} : { faults: { throttleProbability } }),
    },
  }),
  service: (local, slot) => {
    const address = slotOf(sageMakerModels, slot);
    const emulator = local.sagemaker;
    if (!emulator) throw new Error('no SageMaker emulator was started');
    const updates = () =>
      emulator
        .callLog()
        .filter(
          (call) =>
            call.api === 'UpdateInferenceComponentRuntimeConfig' &&
            call.inferenceComponentName === address.inferenceComponentName,
        );
    // A start asks for copies, a stop for none.
    return {
      starts: () => updates().filter((call) => (call.copyCount ?? 0) > 0),
      stops: () => updates().filter((call) => call.copyCount === 0),
      errorsOfType: (errorType) => emulator.callLog().filter((call) => call.errorType === errorType),
      errors: () => emulator.callLog().filter((call) => call.outcome === 'error'),
      billed: () =>
        emulator.ledger().runs.filter((run) => run.inferenceComponentName === address.inferenceComponentName),
      status: () => emulator.model(address).status,
      failNextStarts: (count) => emulator.failNextStarts(address, count),
      denyStarts: (times) =>
        emulator.injectError({
          api: 'UpdateInferenceComponentRuntimeConfig',
          error: 'AccessDeniedException',
          times,
          ...address,
        }),
      deleting: () => {
        emulator.seedModel({ ...address, phase: 'Deleting' });
      },
      recreate: () => {
        emulator.seedModel({ ...address });
      },
    };
  },
};

/** One fixture per registered provider: a provider registered without one is a compile error. */
const fixtures: Readonly<Record<ProviderId, ProviderFixture>> = {
  lookoutvision: lookoutVision,
  rekognition,
  sagemaker: sageMaker,
};

/** Every provider the scheduler drives; the scenario suites run once for each. */
export const providers: readonly ProviderFixture[] = Object.values(fixtures);

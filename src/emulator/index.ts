/**
 * The local Lookout for Vision emulator: start it in-process with `startEmulator`, drive time with a
 * `VirtualClock`, point the real SDK client at `emulator.url` via `AWS_ENDPOINT_URL_LOOKOUTVISION`.
 */
export { type Clock, isVirtualClock, SystemClock, VirtualClock } from './clock.ts';
export {
  adminPrefix,
  type EmulatorAdmin,
  type EmulatorOptions,
  type RunningEmulator,
  startEmulator,
} from './lookoutvision-emulator.ts';
export {
  type ApiName,
  apiNames,
  type CallRecord,
  type EngineOptions,
  type InjectedError,
  type Latencies,
  type LedgerReport,
  type LedgerRun,
  LookoutVisionEngine,
  type ModelAddress,
  type ModelSnapshot,
  type ModelStatus,
  type PerApi,
  type RandomFaults,
  type SeedModel,
} from './lookoutvision-engine.ts';
export { type Latency, mulberry32 } from './random.ts';
export { ServiceError, type ServiceErrorType, serviceErrorTypes } from './service-error.ts';

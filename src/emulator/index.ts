/**
 * The emulator kernel: what every emulated hosting service shares (clock, quota, faults, call log,
 * ledger, hosting state machine, admin API, HTTP server). The engines live with their providers in
 * `src/providers/<id>/emulator/`; `src/providers/emulators.ts` lists them.
 */
export { defined, done, handleAdmin, latenciesSchema, latencySchema } from './admin.ts';
export { type Clock, isVirtualClock, SystemClock, VirtualClock } from './clock.ts';
export type { AdminResponse, EmulatorEngine } from './engine.ts';
export type { InjectedError, RandomFaults, RequestScope } from './faults.ts';
export {
  addressName,
  type EngineTypes,
  HostingEngine,
  type ServiceDescription,
  type ServiceTypes,
} from './hosting-engine.ts';
export {
  type CallOutcome,
  type CallRecord,
  EmulatorKernel,
  type FaultErrors,
  type HostedModel,
  type HostingSnapshot,
  hostingSnapshot,
  type KernelOptions,
  type Latencies,
  type Phase,
  type StartDraw,
  seededUnits,
  startDraw,
  stopDraw,
  wireUnits,
} from './kernel.ts';
export { LatencySpecError, parseLatencySpec } from './latency-spec.ts';
export type { LedgerReport, LedgerRun, Units } from './ledger.ts';
export {
  type EmulatorOptions,
  type ProviderEmulator,
  type ProviderEmulatorParts,
  providerEmulator,
} from './provider-emulator.ts';
export { ApiQuota, type PerApi, TokenBucket } from './quota.ts';
export {
  drawLatency,
  keyedRandom,
  type Latency,
  type LatencyDistribution,
  mulberry32,
  type Random,
  scaleLatency,
  standardNormal,
} from './random.ts';
export {
  adminPrefix,
  type EmulatorServer,
  type EmulatorServerOptions,
  type RunningEmulator,
  runningEmulator,
  serveEngine,
  startEmulatorServer,
} from './server.ts';
export { ServiceError, type ServiceErrors, serviceErrors } from './service-error.ts';
export { awsJson11, restJson, type WireProtocol, type WireRequest, type WireResponse } from './wire.ts';

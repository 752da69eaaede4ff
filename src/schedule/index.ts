// The schedule engine's public surface: pure functions of (config, instants, inputs).
export * from './config.ts';
export * from './days.ts';
export * from './desired.ts';
export * from './eventbridge.ts';
export * from './plan.ts';
export * from './runs.ts';
export * from './windows.ts';
export * from './zoned.ts';

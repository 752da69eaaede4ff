/**
 * The scheduler's scenarios on every hosting service it drives: DynamoDB Local and the service's
 * emulator, through the real SDK client. The scenarios are written once
 * (test/support/scenarios/scheduler.ts); a provider joins by its fixture in test/support/providers.ts.
 */
import { describe } from 'vitest';
import { providers } from '../support/providers.ts';
import { schedulerScenarios } from '../support/scenarios/scheduler.ts';

for (const provider of providers) {
  describe(`the scheduler on ${provider.name} (DynamoDB Local + the emulator through the real SDK client)`, () =>
    schedulerScenarios(provider));
}

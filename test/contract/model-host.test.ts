/**
 * The ModelHost contract for every registered provider, each through the real SDK client against
 * its local emulator.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import type { ProviderDefinition } from '../../src/providers/provider.ts';
import { providers } from '../../src/providers/registry.ts';
import { type HostHarness, hostHarnesses } from './hosts/harness.ts';
import { describeModelHostContract } from './model-host.contract.ts';

describe.each(providers.map((provider: ProviderDefinition) => [provider.title, provider.id] as const))(
  '%s',
  (title, id) => {
    let harness: HostHarness;

    beforeAll(async () => {
      harness = await hostHarnesses[id as keyof typeof hostHarnesses]();
    });
    afterAll(async () => {
      await harness.close();
    });

    describeModelHostContract(`${title} host on the emulator`, () => harness.backend());
  },
);

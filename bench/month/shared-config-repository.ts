import type { AppliedConfig, ConfigSnapshot } from '../../src/store/config-repository.ts';
import { InMemoryConfigRepository } from '../../src/store/in-memory-config-repository.ts';

/**
 * The in-memory config repository, answering the same configuration object for as long as its
 * version stays the same, as a warm Lambda that keeps what it read would. The schedule engine's
 * shared window cache is keyed by that object, so a month of passes works out each shift once.
 */
export class SharedConfigRepository extends InMemoryConfigRepository {
  #shared: AppliedConfig | undefined;

  override async current(): Promise<AppliedConfig | undefined> {
    const fresh = await super.current();
    if (fresh?.version !== this.#shared?.version) this.#shared = fresh;
    return this.#shared;
  }

  override async snapshot(): Promise<ConfigSnapshot> {
    return { applied: await this.current(), overrides: await this.listOverrides() };
  }
}

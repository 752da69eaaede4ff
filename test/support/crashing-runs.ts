import type { RunRecord, TokenRecord } from '../../src/store/run-record.ts';
import type { RunRepository } from '../../src/store/run-repository.ts';

/** The error a {@link CrashingRuns} throws where the invocation "dies". */
export class SimulatedCrash extends Error {}

/**
 * Runs that die once, at the first write `when` matches: `after` the write reaches the table (the
 * intent is written, the call never made), or `before` it (the call was made, its answer never
 * recorded). What a Lambda killed between two steps leaves behind.
 */
export class CrashingRuns implements RunRepository {
  #armed = true;
  constructor(
    private readonly inner: RunRepository,
    private readonly moment: 'before' | 'after',
    private readonly when: (run: RunRecord, tokens: readonly TokenRecord[]) => boolean,
  ) {}
  get = (model: string, runId: string) => this.inner.get(model, runId);
  list = (model: string, query?: Parameters<RunRepository['list']>[1]) => this.inner.list(model, query);
  open = (model: string) => this.inner.open(model);
  getToken = (token: string) => this.inner.getToken(token);
  async create(run: RunRecord, tokens: readonly TokenRecord[] = []) {
    this.#maybeCrash('before', run, tokens);
    await this.inner.create(run, tokens);
    this.#maybeCrash('after', run, tokens);
  }
  async save(run: RunRecord, tokens: readonly TokenRecord[] = []) {
    this.#maybeCrash('before', run, tokens);
    await this.inner.save(run, tokens);
    this.#maybeCrash('after', run, tokens);
  }
  #maybeCrash(moment: 'before' | 'after', run: RunRecord, tokens: readonly TokenRecord[]) {
    if (this.#armed && moment === this.moment && this.when(run, tokens)) {
      this.#armed = false;
      throw new SimulatedCrash('the invocation died here');
    }
  }
}

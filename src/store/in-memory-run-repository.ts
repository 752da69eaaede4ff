import { isClosed, type RunRecord, type TokenRecord } from './run-record.ts';
import {
  byRunId,
  ConcurrentUpdateError,
  matchesRunQuery,
  type RunQuery,
  type RunRepository,
} from './run-repository.ts';

/** Runs kept in memory, with the same conditional-write rules as the DynamoDB table. */
export class InMemoryRunRepository implements RunRepository {
  // By model, then run id, as the table's partition and sort keys: a model's runs are read without
  // walking every other model's.
  readonly #runs = new Map<string, Map<string, RunRecord>>();
  readonly #tokens = new Map<string, TokenRecord>();

  #stored(model: string, runId: string): RunRecord | undefined {
    return this.#runs.get(model)?.get(runId);
  }

  #store(run: RunRecord): void {
    let runs = this.#runs.get(run.model);
    if (runs === undefined) {
      runs = new Map();
      this.#runs.set(run.model, runs);
    }
    runs.set(run.runId, structuredClone(run));
  }

  async get(model: string, runId: string): Promise<RunRecord | undefined> {
    return structuredClone(this.#stored(model, runId));
  }

  async create(run: RunRecord, tokens: readonly TokenRecord[] = []): Promise<void> {
    if (this.#stored(run.model, run.runId)) throw new ConcurrentUpdateError(run.model, run.runId);
    this.#store(run);
    for (const token of tokens) this.#tokens.set(token.clientToken, structuredClone(token));
  }

  async save(run: RunRecord, tokens: readonly TokenRecord[] = []): Promise<void> {
    const stored = this.#stored(run.model, run.runId);
    if (stored?.revision !== run.revision - 1) throw new ConcurrentUpdateError(run.model, run.runId);
    this.#store(run);
    for (const token of tokens) this.#tokens.set(token.clientToken, structuredClone(token));
  }

  async list(model: string, query: RunQuery = {}): Promise<RunRecord[]> {
    return this.#select(model, (run) => matchesRunQuery(run, query));
  }

  async open(model: string): Promise<RunRecord[]> {
    return this.#select(model, (run) => !isClosed(run.outcome));
  }

  /** Copies of the model's runs that `keep` accepts, by run id; only those are copied. */
  #select(model: string, keep: (run: RunRecord) => boolean): RunRecord[] {
    return [...(this.#runs.get(model)?.values() ?? [])]
      .filter(keep)
      .sort(byRunId)
      .map((run) => structuredClone(run));
  }

  async getToken(clientToken: string): Promise<TokenRecord | undefined> {
    return structuredClone(this.#tokens.get(clientToken));
  }
}

import { isClosed, type RunRecord, type TokenRecord } from './run-record.ts';
import {
  byRunId,
  ConcurrentUpdateError,
  matchesRunQuery,
  type RunQuery,
  type RunRepository,
} from './run-repository.ts';

const key = (model: string, runId: string): string => `${model}\u0000${runId}`;

/** Runs kept in memory, with the same conditional-write rules as the DynamoDB table. */
export class InMemoryRunRepository implements RunRepository {
  readonly #runs = new Map<string, RunRecord>();
  readonly #tokens = new Map<string, TokenRecord>();

  async get(model: string, runId: string): Promise<RunRecord | undefined> {
    return structuredClone(this.#runs.get(key(model, runId)));
  }

  async create(run: RunRecord, tokens: readonly TokenRecord[] = []): Promise<void> {
    if (this.#runs.has(key(run.model, run.runId))) throw new ConcurrentUpdateError(run.model, run.runId);
    this.#runs.set(key(run.model, run.runId), structuredClone(run));
    for (const token of tokens) this.#tokens.set(token.clientToken, structuredClone(token));
  }

  async save(run: RunRecord, tokens: readonly TokenRecord[] = []): Promise<void> {
    const stored = this.#runs.get(key(run.model, run.runId));
    if (stored?.revision !== run.revision - 1) throw new ConcurrentUpdateError(run.model, run.runId);
    this.#runs.set(key(run.model, run.runId), structuredClone(run));
    for (const token of tokens) this.#tokens.set(token.clientToken, structuredClone(token));
  }

  async list(model: string, query: RunQuery = {}): Promise<RunRecord[]> {
    return [...this.#runs.values()]
      .filter((run) => run.model === model && matchesRunQuery(run, query))
      .sort(byRunId)
      .map((run) => structuredClone(run));
  }

  async open(model: string): Promise<RunRecord[]> {
    return (await this.list(model)).filter((run) => !isClosed(run.outcome));
  }

  async getToken(clientToken: string): Promise<TokenRecord | undefined> {
    return structuredClone(this.#tokens.get(clientToken));
  }
}

import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { queryAll } from './query-all.ts';
import {
  isClosed,
  type RunRecord,
  runRecordSchema,
  type TokenRecord,
  tokenRecordSchema,
} from './run-record.ts';
import {
  byRunId,
  ConcurrentUpdateError,
  matchesRunQuery,
  type RunQuery,
  type RunRepository,
} from './run-repository.ts';
import { storeCall } from './store-error.ts';

const dayMs = 24 * 60 * 60 * 1000;
// A run's id starts with its first window's start; its planned start (lead) and end lie within these margins.
const runIdLookBackMs = 35 * dayMs;
const runIdLookAheadMs = 2 * dayMs;
// Open runs are the newest of a model: one in service and, rarely, one being handed over.
const openRunScanLimit = 50;

const runKey = (model: string, runId: string) => ({ pk: `model#${model}`, sk: `run#${runId}` });
const tokenKey = (clientToken: string) => ({ pk: `token#${clientToken}`, sk: 'token' });

const toRunItem = (run: RunRecord) => ({ ...runKey(run.model, run.runId), kind: 'run', ...run });
const toTokenItem = (token: TokenRecord) => ({ ...tokenKey(token.clientToken), kind: 'token', ...token });

const fromRunItem = (item: Record<string, unknown>): RunRecord => {
  const { pk: _pk, sk: _sk, kind: _kind, ...rest } = item;
  return runRecordSchema.parse(rest);
};

/** Runs and token records in the runs table (`pk`/`sk`, TTL on `expiresAt`). */
export class DynamoRunRepository implements RunRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(model: string, runId: string): Promise<RunRecord | undefined> {
    const { Item } = await storeCall(this.tableName, () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: runKey(model, runId), ConsistentRead: true }),
      ),
    );
    return Item ? fromRunItem(Item) : undefined;
  }

  async create(run: RunRecord, tokens: readonly TokenRecord[] = []): Promise<void> {
    await this.#write(run, tokens, { ConditionExpression: 'attribute_not_exists(pk)' });
  }

  async save(run: RunRecord, tokens: readonly TokenRecord[] = []): Promise<void> {
    await this.#write(run, tokens, {
      ConditionExpression: '#revision = :previous',
      ExpressionAttributeNames: { '#revision': 'revision' },
      ExpressionAttributeValues: { ':previous': run.revision - 1 },
    });
  }

  /** Puts the run under `condition`, and its tokens with it in one transaction when there are any. */
  async #write(
    run: RunRecord,
    tokens: readonly TokenRecord[],
    condition: Record<string, unknown>,
  ): Promise<void> {
    const put = { TableName: this.tableName, Item: toRunItem(runRecordSchema.parse(run)), ...condition };
    const lostRace = (error: unknown) =>
      error instanceof ConditionalCheckFailedException || isConditionCancel(error);
    try {
      if (tokens.length === 0) {
        await storeCall(this.tableName, () => this.client.send(new PutCommand(put)), lostRace);
        return;
      }
      // The run and its tokens change together: a token is on record exactly when its intent is.
      await storeCall(
        this.tableName,
        () =>
          this.client.send(
            new TransactWriteCommand({
              TransactItems: [
                { Put: put },
                ...tokens.map((token) => ({
                  Put: { TableName: this.tableName, Item: toTokenItem(tokenRecordSchema.parse(token)) },
                })),
              ],
            }),
          ),
        lostRace,
      );
    } catch (error) {
      if (lostRace(error)) {
        throw new ConcurrentUpdateError(run.model, run.runId, { cause: error });
      }
      throw error;
    }
  }

  async list(model: string, query: RunQuery = {}): Promise<RunRecord[]> {
    const from = query.since
      ? `run#${model}@${new Date(query.since.getTime() - runIdLookBackMs).toISOString()}`
      : undefined;
    const to = query.until
      ? `run#${model}@${new Date(query.until.getTime() + runIdLookAheadMs).toISOString()}`
      : undefined;
    const items = await this.#query(model, from, to);
    return items
      .map(fromRunItem)
      .filter((run) => matchesRunQuery(run, query))
      .sort(byRunId);
  }

  async open(model: string): Promise<RunRecord[]> {
    const { Items = [] } = await storeCall(this.tableName, () =>
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :run)',
          ExpressionAttributeValues: { ':pk': `model#${model}`, ':run': 'run#' },
          ScanIndexForward: false,
          Limit: openRunScanLimit,
          ConsistentRead: true,
        }),
      ),
    );
    return Items.map(fromRunItem)
      .filter((run) => !isClosed(run.outcome))
      .sort(byRunId);
  }

  async getToken(clientToken: string): Promise<TokenRecord | undefined> {
    const { Item } = await storeCall(this.tableName, () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: tokenKey(clientToken), ConsistentRead: true }),
      ),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, kind: _kind, ...rest } = Item;
    return tokenRecordSchema.parse(rest);
  }

  #query(
    model: string,
    from: string | undefined,
    to: string | undefined,
  ): Promise<Record<string, unknown>[]> {
    return queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `model#${model}`, ':from': from ?? 'run#', ':to': to ?? 'run$' },
      ConsistentRead: true,
    });
  }
}

const isConditionCancel = (error: unknown): boolean =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');

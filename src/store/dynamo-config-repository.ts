import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ValidationError } from '../errors.ts';
import { type ConfigRules, type SchedulerConfig, validateConfig } from '../schedule/config.ts';
import {
  type AppliedConfig,
  ConfigConflictError,
  type ConfigRepository,
  type ConfigSnapshot,
  type StoredOverride,
} from './config-repository.ts';
import { queryAll } from './query-all.ts';
import { storeCall } from './store-error.ts';

const pointerKey = { pk: 'config', sk: 'current' } as const;
// Overrides live beside the pointer, so one query reads both (see `snapshot`).
const overridePrefix = 'override#';
const batchSize = 25;

const pointerSchema = z.object({
  version: z.number().int().positive(),
  partition: z.string(),
  previousPartition: z.string().optional(),
  appliedAt: z.string(),
  source: z.string(),
});

/** Each version's own record of when and from what it was applied, beside its parts. */
const metaKey = 'meta';
const metaSchema = z.object({
  version: z.number().int().positive(),
  appliedAt: z.string(),
  source: z.string(),
});

const overrideSchema = z.object({
  model: z.string(),
  state: z.enum(['on', 'off']),
  until: z.string(),
  reason: z.string().optional(),
  setAt: z.string(),
});

type Part = { sk: string; body: unknown };

/**
 * Splits a configuration into items of bounded size (one per calendar, schedule and model), so a
 * configuration of any size fits in DynamoDB's 400 KB items.
 */
const toParts = (config: SchedulerConfig): Part[] => {
  const { calendars = {}, schedules, models, ...top } = config;
  return [
    { sk: 'top', body: top },
    ...Object.entries(calendars).map(([name, body]) => ({ sk: `calendar#${name}`, body })),
    ...Object.entries(schedules).map(([name, body]) => ({ sk: `schedule#${name}`, body })),
    // The index keeps the models in file order.
    ...models.map((body, index) => ({ sk: `model#${String(index).padStart(6, '0')}`, body })),
  ];
};

const fromParts = (parts: readonly Part[]): unknown => {
  const calendars: Record<string, unknown> = {};
  const schedules: Record<string, unknown> = {};
  const models: unknown[] = [];
  let top: Record<string, unknown> = {};
  for (const { sk, body } of parts) {
    const [kind, name = ''] = sk.split(/#(.*)/s);
    if (kind === 'top') top = body as Record<string, unknown>;
    else if (kind === 'calendar') calendars[name] = body;
    else if (kind === 'schedule') schedules[name] = body;
    else if (kind === 'model') models.push(body);
  }
  return { ...top, ...(Object.keys(calendars).length > 0 ? { calendars } : {}), schedules, models };
};

/**
 * The configuration in the config table.
 *
 * Each apply writes its parts under a partition of its own, then switches the pointer item to that
 * partition with one conditional write: readers follow the pointer, so they see a whole version. The
 * previous version is kept for readers that are mid-read; older ones are deleted.
 */
export class DynamoConfigRepository implements ConfigRepository {
  #cache: { partition: string; applied: AppliedConfig } | undefined;

  /**
   * @param rules - what a stored configuration is validated with when read back (the registered
   *   providers' `shiftsRules`): the store itself knows no provider
   */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly rules: ConfigRules,
  ) {}

  async current(): Promise<AppliedConfig | undefined> {
    return this.#resolve(await this.#pointer());
  }

  async snapshot(): Promise<ConfigSnapshot> {
    const items = await this.#queryAll(pointerKey.pk);
    const pointerItem = items.find((item) => item.sk === pointerKey.sk);
    return {
      applied: await this.#resolve(pointerItem ? pointerSchema.parse(pointerItem) : undefined),
      overrides: items.filter((item) => String(item.sk).startsWith(overridePrefix)).map(toOverride),
    };
  }

  /**
   * The configuration a pointer names. A version's parts never change once applied, so it is read
   * once per instance. A version that does not pass validation is refused: the version it replaced
   * (kept in the table) or, failing that, the last valid version this instance read keeps running,
   * with the refusal attached; with neither, the validation error is thrown.
   */
  async #resolve(pointer: z.infer<typeof pointerSchema> | undefined): Promise<AppliedConfig | undefined> {
    if (!pointer) return undefined;
    if (this.#cache?.partition === pointer.partition) return this.#cache.applied;
    let applied: AppliedConfig;
    try {
      applied = await this.#read(pointer.partition, pointer);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const fallback = await this.#lastValid(pointer);
      if (!fallback) throw error;
      return { ...fallback, refused: { version: pointer.version, message: error.message } };
    }
    this.#cache = { partition: pointer.partition, applied };
    return applied;
  }

  /**
   * The configuration stored under `partition`, validated. Its version, time and source come from
   * the partition's own `meta` item, else from `meta` (the pointer's, for a partition written
   * before versions kept one).
   */
  async #read(
    partition: string,
    meta: { version: number; appliedAt: string; source: string },
  ): Promise<AppliedConfig> {
    const parts = await this.#queryAll(partition);
    const own = metaSchema.safeParse(parts.find((item) => item.sk === metaKey)?.body);
    const { version, appliedAt, source } = own.success ? own.data : meta;
    const config = validateConfig(
      fromParts(parts.map((item) => ({ sk: String(item.sk), body: item.body }))),
      `${this.tableName} (config version ${version})`,
      this.rules,
    );
    return { version, appliedAt, source, config };
  }

  /** The newest valid version older than `pointer`'s: the one it replaced, else this instance's last. */
  async #lastValid(pointer: z.infer<typeof pointerSchema>): Promise<AppliedConfig | undefined> {
    if (pointer.previousPartition) {
      const version = Number(/^config#v(\d+)#/.exec(pointer.previousPartition)?.[1] ?? pointer.version - 1);
      const previous = await this.#read(pointer.previousPartition, {
        version,
        appliedAt: pointer.appliedAt,
        source: pointer.source,
      }).catch((error: unknown) => {
        if (error instanceof ValidationError) return undefined;
        throw error;
      });
      if (previous) return previous;
    }
    return this.#cache?.applied;
  }

  async apply(
    config: SchedulerConfig,
    meta: { source: string; appliedAt: string; expectedVersion: number | undefined },
  ): Promise<AppliedConfig> {
    const previous = await this.#pointer();
    if (previous?.version !== meta.expectedVersion) throw conflict(previous?.version, meta.expectedVersion);
    const version = (meta.expectedVersion ?? 0) + 1;
    const partition = `config#v${version}#${randomUUID()}`;
    const parts = [
      ...toParts(config),
      { sk: metaKey, body: { version, appliedAt: meta.appliedAt, source: meta.source } },
    ];
    await this.#writeAll(parts.map((part) => ({ PutRequest: { Item: { pk: partition, ...part } } })));
    try {
      await storeCall(
        this.tableName,
        () =>
          this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                ...pointerKey,
                version,
                partition,
                previousPartition: previous?.partition,
                appliedAt: meta.appliedAt,
                source: meta.source,
              },
              ConditionExpression:
                meta.expectedVersion === undefined ? 'attribute_not_exists(pk)' : '#version = :expected',
              ...(meta.expectedVersion === undefined
                ? {}
                : {
                    ExpressionAttributeNames: { '#version': 'version' },
                    ExpressionAttributeValues: { ':expected': meta.expectedVersion },
                  }),
            }),
          ),
        (error) => error instanceof ConditionalCheckFailedException,
      );
    } catch (error) {
      // Nobody can see our parts yet: remove them and report the lost race.
      await this.#deletePartition(partition);
      if (error instanceof ConditionalCheckFailedException) throw conflict(undefined, meta.expectedVersion);
      throw error;
    }
    // Keep the version just replaced for readers that are mid-read; the one before it goes.
    if (previous?.previousPartition) await this.#deletePartition(previous.previousPartition);
    return { version, appliedAt: meta.appliedAt, source: meta.source, config };
  }

  async listOverrides(): Promise<StoredOverride[]> {
    const items = await this.#queryAll(pointerKey.pk);
    return items.filter((item) => String(item.sk).startsWith(overridePrefix)).map(toOverride);
  }

  async setOverride(override: StoredOverride): Promise<void> {
    await storeCall(this.tableName, () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: pointerKey.pk, sk: `${overridePrefix}${override.model}`, ...override },
        }),
      ),
    );
  }

  async clearOverride(model: string): Promise<boolean> {
    const { Attributes } = await storeCall(this.tableName, () =>
      this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: pointerKey.pk, sk: `${overridePrefix}${model}` },
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return Attributes !== undefined;
  }

  async #pointer() {
    const { Item } = await storeCall(this.tableName, () =>
      this.client.send(new GetCommand({ TableName: this.tableName, Key: pointerKey, ConsistentRead: true })),
    );
    return Item ? pointerSchema.parse(Item) : undefined;
  }

  #queryAll(pk: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    });
  }

  async #writeAll(requests: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < requests.length; i += batchSize) {
      let pending: Record<string, unknown>[] | undefined = requests.slice(i, i + batchSize);
      // BatchWrite may leave items unprocessed under load: send those again until none are left.
      for (let round = 0; pending && pending.length > 0; round += 1) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** round)));
        const batch = pending;
        const { UnprocessedItems } = await storeCall(this.tableName, () =>
          this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: batch as never } })),
        );
        pending = UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
      }
    }
  }

  async #deletePartition(partition: string): Promise<void> {
    const items = await this.#queryAll(partition);
    await this.#writeAll(items.map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } })));
  }
}

const toOverride = (item: Record<string, unknown>): StoredOverride => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  const { reason, ...override } = overrideSchema.parse(rest);
  return reason === undefined ? override : { ...override, reason };
};

const conflict = (actual: number | undefined, expected: number | undefined) =>
  new ConfigConflictError(
    `the configuration changed while applying (expected version ${expected ?? 'none'}${actual === undefined ? '' : `, found ${actual}`}); run the apply again`,
  );

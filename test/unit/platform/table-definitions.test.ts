import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tableDefinitions, tablesFileUrl } from '../../../src/platform/table-definitions.ts';

interface RawTable {
  DeletionPolicy?: string;
  Properties: {
    BillingMode: string;
    AttributeDefinitions: unknown[];
    KeySchema: unknown[];
    SSESpecification?: { SSEEnabled: boolean };
    PointInTimeRecoverySpecification?: { PointInTimeRecoveryEnabled: boolean };
    TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
  };
}

const raw = (): Record<'ConfigTable' | 'RunsTable', RawTable> =>
  parse(readFileSync(tablesFileUrl, 'utf8')).Resources as Record<'ConfigTable' | 'RunsTable', RawTable>;

describe('table definitions from deploy/tables.yml', () => {
  const names = { configTable: 'unit-config', runsTable: 'unit-runs' };

  it('builds each create request from the YAML: keys, attributes, billing, encryption', () => {
    // Prepare
    const yaml = raw();
    // Act
    const defs = tableDefinitions(names);
    // Assess
    for (const [def, resource, name] of [
      [defs.config, yaml.ConfigTable, names.configTable],
      [defs.runs, yaml.RunsTable, names.runsTable],
    ] as const) {
      expect(def.createTable).toEqual({
        TableName: name,
        BillingMode: resource.Properties.BillingMode,
        AttributeDefinitions: resource.Properties.AttributeDefinitions,
        KeySchema: resource.Properties.KeySchema,
        SSESpecification: { Enabled: resource.Properties.SSESpecification?.SSEEnabled },
      });
      expect(def.pointInTimeRecovery).toBe(
        resource.Properties.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled ?? false,
      );
      expect(def.timeToLiveAttribute).toBe(resource.Properties.TimeToLiveSpecification?.AttributeName);
    }
  });

  it('keeps the deployed shape: pk/sk string keys, on-demand, encrypted, retained, TTL on runs.expiresAt', () => {
    // Act
    const defs = tableDefinitions(names);
    const yaml = raw();
    // Assess
    for (const def of [defs.config, defs.runs]) {
      expect(def.createTable.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(def.createTable.AttributeDefinitions).toEqual([
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ]);
      expect(def.createTable.BillingMode).toBe('PAY_PER_REQUEST');
      expect(def.createTable.SSESpecification).toEqual({ Enabled: true });
      expect(def.pointInTimeRecovery).toBe(true);
    }
    expect(defs.runs.timeToLiveAttribute).toBe('expiresAt');
    expect(defs.config.timeToLiveAttribute).toBeUndefined();
    expect(yaml.ConfigTable.DeletionPolicy).toBe('Retain');
    expect(yaml.RunsTable.DeletionPolicy).toBe('Retain');
  });

  it('names the tables as the caller says', () => {
    // Act
    const defs = tableDefinitions({ configTable: 'a-config', runsTable: 'b-runs' });
    // Assess
    expect([defs.config.createTable.TableName, defs.runs.createTable.TableName]).toEqual([
      'a-config',
      'b-runs',
    ]);
    expect([defs.config.logicalId, defs.runs.logicalId]).toEqual(['ConfigTable', 'RunsTable']);
  });
});

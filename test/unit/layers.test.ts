/**
 * The layer rules of `.dependency-cruiser.cjs` catch what they are written for: each rule is run
 * over a small tree of modules that breaks it, so a rule whose path pattern matches nothing fails
 * here instead of passing `npm run depcheck` silently.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cruise, type IConfiguration } from 'dependency-cruiser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const config = createRequire(import.meta.url)('../../.dependency-cruiser.cjs') as IConfiguration;

/** Module → the modules it imports, all under one temporary root. */
const breaking: Record<string, readonly string[]> = {
  'src/schedule/engine.ts': ['../platform/logger.ts', '../store/store.ts', '../providers/registry.ts'],
  'src/schedule/reads-files.ts': ['node:fs'],
  'src/schedule/ok.ts': ['../errors.ts'],
  'src/errors.ts': [],
  'src/app/use-case.ts': ['../cli/main.ts', '../../functions/handler.ts'],
  'src/platform/logger.ts': ['../app/use-case.ts'],
  'src/store/store.ts': ['../hosting/model-host.ts'],
  'src/hosting/model-host.ts': ['../store/store.ts'],
  'src/providers/registry.ts': ['./acme/emulator/engine.ts', '../store/store.ts'],
  'src/providers/acme/emulator/engine.ts': [],
  'src/cli/main.ts': ['./commands/emulator.ts', '../emulator/kernel.ts'],
  'src/cli/commands/emulator.ts': ['../../emulator/kernel.ts', '../../providers/emulators.ts'],
  'src/providers/emulators.ts': [],
  'src/emulator/kernel.ts': [],
  'src/simulation/simulate.ts': ['../emulator/kernel.ts'],
  'functions/handler.ts': [],
  'src/cycle/a.ts': ['./b.ts'],
  'src/cycle/b.ts': ['./a.ts'],
  'src/type-cycle/a.ts': ['./b.ts'],
  'src/type-cycle/b.ts': ['type ./a.ts'],
};

let root: string;
let violations: { rule: string; from: string; to: string }[];

beforeAll(async () => {
  // Prepare: the tree above, each import a real `import` statement.
  root = mkdtempSync(join(tmpdir(), 'layers-'));
  for (const [file, imports] of Object.entries(breaking)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(
      join(root, file),
      `${imports
        .map((target, index) =>
          target.startsWith('type ')
            ? `import type { X as T${index} } from '${target.slice(5)}';`
            : `import * as m${index} from '${target}';`,
        )
        .join('\n')}\nexport const x = 1;\nexport type X = number;\n`,
    );
  }
  const cwd = process.cwd();
  process.chdir(root);
  try {
    // Act
    const result = await cruise(['src', 'functions'], {
      ruleSet: { forbidden: config.forbidden ?? [] },
      tsPreCompilationDeps: true,
      validate: true,
    });
    const output = result.output as {
      summary: { violations: { rule: { name: string }; from: string; to: string }[] };
    };
    violations = output.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
  } finally {
    process.chdir(cwd);
  }
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

const broken = (rule: string) => violations.filter((v) => v.rule === rule).map((v) => `${v.from} → ${v.to}`);

describe('the layer rules', () => {
  it('keep the pure engine from the adapters, the platform and Node I/O, but let it raise the errors', () => {
    // Assess
    expect(broken('schedule-is-pure').sort()).toEqual([
      'src/schedule/engine.ts → src/platform/logger.ts',
      'src/schedule/engine.ts → src/providers/registry.ts',
      'src/schedule/engine.ts → src/store/store.ts',
    ]);
    expect(broken('schedule-does-no-io')).toEqual(['src/schedule/reads-files.ts → fs']);
  });

  it('keep the use cases below the CLI and the functions, and the platform below the use cases', () => {
    // Assess
    expect(broken('app-below-front-doors').sort()).toEqual([
      'src/app/use-case.ts → functions/handler.ts',
      'src/app/use-case.ts → src/cli/main.ts',
    ]);
    expect(broken('platform-below-app')).toEqual(['src/platform/logger.ts → src/app/use-case.ts']);
  });

  it('keep stores and hosting apart, both ways', () => {
    // Assess
    expect(broken('store-not-hosting')).toEqual(['src/store/store.ts → src/hosting/model-host.ts']);
    expect(broken('hosting-not-store').sort()).toEqual([
      'src/hosting/model-host.ts → src/store/store.ts',
      'src/providers/registry.ts → src/store/store.ts',
    ]);
  });

  it('let only tests, the bench, the simulation, the demo and `shiftctl emulator` load an emulator', () => {
    // Assess
    expect(broken('emulators-stay-local').sort()).toEqual([
      'src/cli/main.ts → src/emulator/kernel.ts',
      'src/providers/registry.ts → src/providers/acme/emulator/engine.ts',
    ]);
  });

  it('refuse cycles, except through type-only imports, which are erased when compiled', () => {
    // Assess
    const cycles = broken('no-cycles');
    expect(cycles).toContainEqual(expect.stringMatching(/^src\/cycle\//));
    expect(cycles.filter((cycle) => cycle.startsWith('src/type-cycle/'))).toEqual([]);
  });
});

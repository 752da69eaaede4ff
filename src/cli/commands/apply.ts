import type { Command } from 'commander';
import { applyConfig, type ConfigChange } from '../../app/apply-config.ts';
import { printJson, readConfigFile, withDeps } from '../context.ts';
import type { CliIo } from '../io.ts';
import { painter } from '../render.ts';

const sign = { added: '+', removed: '-', changed: '~' } as const;

const describeChange = (change: ConfigChange): string =>
  `${sign[change.change]} ${change.kind} ${change.name}${change.fields?.length ? ` (${change.fields.join(', ')})` : ''}`;

/** `shiftctl apply -f FILE [--dry-run]`: validate a shifts.yml and make it the configuration in force. */
export const registerApplyCommand = (program: Command, io: CliIo): void => {
  program
    .command('apply')
    .description('validate a shifts.yml and write it to the config table in one atomic step')
    .requiredOption('-f, --file <FILE>', 'the shifts.yml to apply')
    .option('--dry-run', 'show the changes only; write nothing')
    .option('--json', 'print the changes as JSON')
    .addHelpText(
      'after',
      [
        '',
        'An invalid file is refused whole (exit 2) with every bad field named; nothing is written.',
        '',
        'Examples:',
        '  shiftctl apply -f shifts.yml --dry-run',
        '  shiftctl apply -f shifts.yml',
      ].join('\n'),
    )
    .action(async (options: { file: string; dryRun?: boolean; json?: boolean }) => {
      const config = readConfigFile(options.file);
      const result = await withDeps(io, (deps) =>
        applyConfig(deps.configs, config, {
          source: options.file,
          at: new Date(),
          dryRun: options.dryRun ?? false,
        }),
      );
      if (options.json) {
        printJson(io, {
          dryRun: options.dryRun ?? false,
          previousVersion: result.previousVersion ?? null,
          version: result.applied?.version ?? result.previousVersion ?? null,
          changes: result.changes,
        });
        return;
      }
      const paint = painter(io.isTty);
      const colour = { added: 'green', removed: 'red', changed: 'yellow' } as const;
      for (const change of result.changes) io.out(paint(colour[change.change], describeChange(change)));
      if (options.dryRun) {
        io.out(`dry run: ${result.changes.length} change(s), nothing written`);
      } else if (result.applied) {
        io.out(
          `applied ${options.file} as version ${result.applied.version} (${result.changes.length} change(s))`,
        );
      } else {
        io.out(`no changes: version ${result.previousVersion} stays in force`);
      }
    });
};

import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { resolvedModel } from '../../schedule/config.ts';
import { appliedConfig } from '../../store/config-repository.ts';
import { parseInstantOption, printJson, withDeps } from '../context.ts';
import type { CliIo } from '../io.ts';
import { renderTable } from '../render.ts';

/** `shiftctl override set|clear|list`: temporary overrides that win over the schedule until they expire. */
export const registerOverrideCommand = (program: Command, io: CliIo): void => {
  const override = program
    .command('override')
    .description('temporary overrides: keep a model on or off until an instant, whatever its schedule says');

  override
    .command('set')
    .description('set (or replace) the override of a model')
    .argument('<MODEL>', 'the model id')
    .requiredOption('--state <on|off>', 'on: keep it hosted; off: keep it stopped')
    .requiredOption('--until <ISO>', 'when the override ends and the schedule takes over again')
    .option('--reason <TEXT>', 'why, for the record and the logs')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  shiftctl override set pcb-line-1 --state on --until 2027-03-27T18:00:00+01:00 --reason "weekend audit"',
        '  shiftctl override set night-inspection --state off --until 2027-04-01T00:00:00Z',
      ].join('\n'),
    )
    .action(async (model: string, options: { state: string; until: string; reason?: string }) => {
      if (options.state !== 'on' && options.state !== 'off') {
        throw new UsageError(`--state ${JSON.stringify(options.state)} must be on or off`);
      }
      const state = options.state;
      const now = new Date();
      const until = parseInstantOption('--until', options.until);
      if (until.getTime() <= now.getTime()) throw new UsageError(`--until ${options.until} is in the past`);
      await withDeps(io, async (deps) => {
        const { config } = await appliedConfig(deps.configs);
        // An unknown model is refused with the message every command gives for it.
        resolvedModel(config, model);
        await deps.configs.setOverride({
          model,
          state,
          until: until.toISOString(),
          ...(options.reason ? { reason: options.reason } : {}),
          setAt: now.toISOString(),
        });
      });
      io.out(
        `${model}: ${state} until ${until.toISOString()}; the next pass acts on it (or run shiftctl tick)`,
      );
    });

  override
    .command('clear')
    .description('remove the override of a model; its schedule applies again')
    .argument('<MODEL>', 'the model id')
    .addHelpText('after', ['', 'Example:', '  shiftctl override clear pcb-line-1'].join('\n'))
    .action(async (model: string) => {
      const cleared = await withDeps(io, async (deps) => {
        // Like every command that works on the configuration in force, it needs one applied.
        await appliedConfig(deps.configs);
        return deps.configs.clearOverride(model);
      });
      io.out(cleared ? `${model}: override cleared` : `${model}: had no override`);
    });

  override
    .command('list')
    .description('the overrides, with those that have expired marked')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      ['', 'Examples:', '  shiftctl override list', '  shiftctl override list --json'].join('\n'),
    )
    .action(async (options: { json?: boolean }) => {
      const now = Date.now();
      const overrides = await withDeps(io, async (deps) => {
        await appliedConfig(deps.configs);
        return deps.configs.listOverrides();
      });
      if (options.json) {
        printJson(io, { overrides: overrides.map((o) => ({ ...o, active: Date.parse(o.until) > now })) });
        return;
      }
      if (overrides.length === 0) {
        io.out('no overrides');
        return;
      }
      io.out(
        renderTable(
          ['MODEL', 'STATE', 'UNTIL', 'ACTIVE', 'REASON'],
          overrides.map((o) => [
            o.model,
            o.state,
            o.until,
            Date.parse(o.until) > now ? 'yes' : 'expired',
            o.reason ?? '',
          ]),
        ),
      );
    });
};

import type { Command } from 'commander';
import { statusAt } from '../../app/status.ts';
import { describeLead } from '../../schedule/lead.ts';
import { parseInstantOption, printJson, withDeps } from '../context.ts';
import { formatInZone, formatUnits } from '../format.ts';
import type { CliIo } from '../io.ts';
import { painter, renderTable } from '../render.ts';

/** `shiftctl status`: each model's desired and observed state, units and next action. */
export const registerStatusCommand = (program: Command, io: CliIo): void => {
  program
    .command('status')
    .description('each model: desired and observed state, inference units, the next action and when')
    .option('--at <ISO>', 'the instant to evaluate (default: now)')
    .option('--json', 'print JSON (UTC instants)')
    .addHelpText('after', ['', 'Examples:', '  shiftctl status', '  shiftctl status --json'].join('\n'))
    .action(async (options: { at?: string; json?: boolean }) => {
      const at = parseInstantOption('--at', options.at, new Date());
      const statuses = await withDeps(io, (deps) => statusAt(deps, at));
      if (options.json) {
        printJson(io, {
          at: at.toISOString(),
          models: statuses.map((status) => ({
            ...status,
            next: status.next
              ? {
                  action: status.next.action,
                  at: status.next.at.toISOString(),
                  ...(status.next.lead
                    ? {
                        leadMinutes: status.next.lead.minutes,
                        leadSource: status.next.lead.source,
                        ...(status.next.lead.source === 'fixed'
                          ? {}
                          : { leadSamples: status.next.lead.samples }),
                        ...(status.next.lead.quantile === undefined
                          ? {}
                          : { leadQuantile: Number(status.next.lead.quantile.toFixed(3)) }),
                      }
                    : {}),
                }
              : null,
          })),
        });
        return;
      }
      const paint = painter(io.isTty);
      io.out(
        renderTable(
          ['MODEL', 'DESIRED', 'OBSERVED', 'UNITS', 'RUN', 'NEXT', 'WHY'],
          statuses.map((status) => {
            const agrees =
              (status.desired === 'on') === (status.observed === 'hosted' || status.observed === 'starting');
            return [
              status.model,
              status.desired,
              paint(agrees ? 'green' : 'yellow', status.observed),
              formatUnits(status, '-'),
              status.run ? `${status.run.outcome}` : '-',
              status.next
                ? `${status.next.action} ${formatInZone(status.next.at, status.timezone)}` +
                  (status.next.lead ? `, lead ${describeLead(status.next.lead)}` : '')
                : '-',
              status.override
                ? `override ${status.override.state} until ${formatInZone(new Date(status.override.until), status.timezone)}`
                : status.desiredReason,
            ];
          }),
        ),
      );
    });
};

import type { Command } from 'commander';
import type { CliIo } from '../io.ts';
import { registerApplyCommand } from './apply.ts';
import { registerDoctorCommand } from './doctor.ts';
import { registerEmulatorCommand } from './emulator.ts';
import { registerFailuresCommand } from './failures.ts';
import { registerOverrideCommand } from './override.ts';
import { registerPlanCommand } from './plan.ts';
import { registerReportCommand } from './report.ts';
import { registerRunsCommand } from './runs.ts';
import { registerStatusCommand } from './status.ts';
import { registerTablesCommand } from './tables.ts';
import { registerTickCommand } from './tick.ts';

/** A command module adds its subcommand to the program. */
export type RegisterCommand = (program: Command, io: CliIo) => void;

/** In the order `shiftctl --help` lists them: setup, planning, operation, local tools. */
export const commands: readonly RegisterCommand[] = [
  registerTablesCommand,
  registerApplyCommand,
  registerPlanCommand,
  registerTickCommand,
  registerStatusCommand,
  registerRunsCommand,
  registerReportCommand,
  registerOverrideCommand,
  registerDoctorCommand,
  registerFailuresCommand,
  registerEmulatorCommand,
];

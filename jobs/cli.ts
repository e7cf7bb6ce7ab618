// Entry of the jobs command line (npm run jobs): hands the commands the arguments, the
// environment and the system clock. The commands live in jobs/commands.ts.
import { runCommandLine } from '../server/command-line';
import { systemClock } from '../server/shared/clock';
import { COMMANDS, USAGE } from './commands';

process.exitCode = await runCommandLine(USAGE, COMMANDS, { argv: process.argv.slice(2), env: process.env, clock: systemClock });

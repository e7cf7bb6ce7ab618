// Entry of the admin command line (npm run admin): hands the commands the arguments, the
// environment and the system clock. The commands live in server/admin/commands.ts.
import { runCommandLine } from './command-line';
import { systemClock } from './shared/clock';
import { COMMANDS, USAGE } from './admin/commands';

process.exitCode = await runCommandLine(USAGE, COMMANDS, { argv: process.argv.slice(2), env: process.env, clock: systemClock });

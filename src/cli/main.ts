import { Command, CommanderError } from 'commander';
import { registerCredentials } from './commands/credentials';
import { registerDemo } from './commands/demo';
import { registerEnroll } from './commands/enroll';
import { explainError, oneLine } from './commands/explain-error';
import { registerInspect } from './commands/inspect';
import { registerKeys } from './commands/keys';
import { registerList } from './commands/list';
import { registerProxy } from './commands/proxy';
import { registerSeal } from './commands/seal';
import { registerSignals } from './commands/signal';

/** Exit code of a wrongly typed command line (unknown option, missing argument, bad value). */
const USAGE_EXIT_CODE = 2;

// Settings are set before the commands are added: Commander copies them into every subcommand.
const program = new Command('chainkeeper')
  .description('Keeps Exact Online refresh-token chains alive on Temporal.')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`chainkeeper: ${oneLine(text)} (see --help)\n`) });
registerEnroll(program);
registerKeys(program);
registerCredentials(program);
registerSeal(program);
registerList(program);
registerSignals(program);
registerInspect(program);
registerDemo(program);
registerProxy(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander has printed help or its one-line message already.
    const shownHelp = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code);
    process.exit(shownHelp ? error.exitCode : USAGE_EXIT_CODE);
  }
  const { message, exitCode } = explainError(error);
  console.error(`chainkeeper: ${message}`);
  process.exit(exitCode);
}

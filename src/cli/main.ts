import { Command, CommanderError } from 'commander';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ConfigError } from '../config/env';
import { registerEnroll } from './commands/enroll';
import { registerInspect } from './commands/inspect';

const program = new Command('chainkeeper')
  .description('Keeps Exact Online refresh-token chains alive on Temporal.')
  .exitOverride();
registerEnroll(program);
registerInspect(program);

/** One clear line for what went wrong, and an exit code; never a stack trace for an operator's mistake. */
function explain(error: unknown): string {
  if (error instanceof WorkflowNotFoundError)
    return `no such container: ${error.workflowId} is not running. Enroll it first.`;
  if (error instanceof ConfigError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  console.error(`chainkeeper: ${explain(error)}`);
  process.exit(1);
}

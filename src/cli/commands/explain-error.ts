import {
  QueryNotRegisteredError,
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ConfigError } from '../../config/env';
import { InvalidTokenRequestError } from '../../consumers/errors';
import { HistoryKeyError } from '../../crypto/history-keys';
import { UsageError } from '../alias';

/** What the operator sees: one line, and the process exit code (2 for a wrongly typed command, 1 otherwise). */
export interface Explanation {
  message: string;
  exitCode: number;
}

const CONTAINER_PREFIX = 'container/';

/** One line for what went wrong and what to do; never a stack trace, never a secret (messages carry none). */
export function explainError(error: unknown): Explanation {
  if (error instanceof UsageError || error instanceof InvalidTokenRequestError) {
    return { message: oneLine(error.message), exitCode: 2 };
  }
  return { message: oneLine(describe(error)), exitCode: 1 };
}

function describe(error: unknown): string {
  if (error instanceof ConfigError) {
    return `configuration is invalid: ${error.problems.join('; ')}. Fix these environment variables.`;
  }
  if (error instanceof WorkflowNotFoundError) {
    const id = error.workflowId;
    const alias = id.startsWith(CONTAINER_PREFIX) ? id.slice(CONTAINER_PREFIX.length) : id;
    return `no container "${alias}" is running: check the alias with \`chainkeeper list\`, or enroll it first.`;
  }
  if (error instanceof WorkflowUpdateFailedError) {
    return `the container refused the request: ${error.cause?.message ?? error.message}`;
  }
  if (error instanceof QueryNotRegisteredError) return `the container did not answer: ${error.message}`;
  if (error instanceof ServiceError) {
    const details = (error.cause as { details?: unknown } | undefined)?.details;
    return typeof details === 'string' && details ? `${error.message}: ${details}` : error.message;
  }
  if (error instanceof HistoryKeyError) {
    return `${error.message} (the CLI needs the history keys to talk to Temporal: copy them from a worker).`;
  }
  // @inquirer's prompt throws this on Ctrl-C; its class is not a dependency of ours, so its name identifies it.
  if (error instanceof Error && error.name === 'ExitPromptError') return 'cancelled; nothing was sent.';
  return error instanceof Error ? error.message : String(error);
}

/** Commander's and our messages alike, as one line without Commander's `error: ` prefix. */
export function oneLine(text: string): string {
  return text
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

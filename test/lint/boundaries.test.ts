import { readFile } from 'node:fs/promises';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * Lints a real file of the repository with `probe` appended, under the project's own eslint.config.js (so the
 * type-aware rules see a file they know), and returns the errors.
 */
async function lintWith(eslint: ESLint, file: string, probe: string): Promise<ESLint.LintResult['messages']> {
  const text = `${await readFile(`${ROOT}${file}`, 'utf8')}\n${probe}\n`;
  const [result] = await eslint.lintText(text, { filePath: `${ROOT}${file}` });
  return result!.messages.filter((message) => message.severity === 2);
}

describe('import boundaries (eslint.config.js)', () => {
  let eslint: ESLint;
  beforeAll(async () => {
    eslint = new ESLint({ cwd: ROOT });
    // The first lint builds the TypeScript program (half a minute on a busy machine): here, under the hook's timeout.
    await lintWith(eslint, 'workflows/container/details.ts', '');
  });

  it.each([
    [
      'workflows/container/details.ts',
      "import { createActivities } from '../../activities';\nexport const p = createActivities;",
    ],
    [
      'workflows/container/details.ts',
      "import { createSimulator } from '../../src/simulator';\nexport const p = createSimulator;",
    ],
    ['workflows/container/details.ts', "import { readFileSync } from 'node:fs';\nexport const p = readFileSync;"],
    ['contract/container.ts', "import { createActivities } from '../activities';\nexport const p = createActivities;"],
    [
      'activities/snapshot.ts',
      "import type { ContainerRun } from '../workflows/container/container-run';\nexport type P = ContainerRun;",
    ],
    [
      'src/credentials/refresh-token.ts',
      "import type { ClassifiedFailure } from '../../workflows/container/failures';\nexport type P = ClassifiedFailure;",
    ],
    ['src/browser/errors.ts', "import { createSimulator } from '../simulator';\nexport const p = createSimulator;"],
    [
      'src/consumers/errors.ts',
      "import { createActivities } from '../../activities';\nexport const p = createActivities;",
    ],
  ])('refuses in %s: %s', async (file, probe) => {
    const errors = await lintWith(eslint, file, probe);
    expect(errors.map((e) => e.ruleId)).toContain('boundaries/imports');
  });

  it.each([
    [
      'workflows/container/details.ts',
      "import type { ChainStatus } from '../../contract/container';\nexport type P = ChainStatus;",
    ],
    [
      'workflows/container/details.ts',
      "import { TOKEN_CALLS_PER_DAY } from '../../src/exact/rules';\nexport const p = TOKEN_CALLS_PER_DAY;",
    ],
    [
      'src/credentials/refresh-token.ts',
      "import type { SealedCredentialsInput } from '../../contract/sealed';\nexport type P = SealedCredentialsInput;",
    ],
  ])('allows in %s: %s', async (file, probe) => {
    expect(await lintWith(eslint, file, probe)).toEqual([]);
  });
});

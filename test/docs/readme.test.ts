import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../src/config/env';
import { PINNED_TOOLS } from '../../src/temporal/tools';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('the README', () => {
  it('documents every environment variable chainkeeper reads', () => {
    const table = readme.slice(readme.indexOf('## Configuration'));
    const variables = [...ENV_VARIABLES, ...Object.values(PINNED_TOOLS).map((tool) => tool.envVar)];
    expect(variables.filter((name) => !table.includes(`\`${name}\``))).toEqual([]);
  });

  it('keeps the quick start to the two commands, and both scripts set themselves up', () => {
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## How it works'));
    const commands = quickStart.match(/^npm install && npm \w+/gm);
    expect(commands).toEqual(['npm install && npm start', 'npm install && npm test']);
    expect(packageJson.scripts.start).toMatch(/^npm run tools/);
    expect(packageJson.scripts.test).toMatch(/^npm run tools/);
  });
});

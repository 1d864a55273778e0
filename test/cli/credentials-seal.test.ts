import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCredentials } from '../../src/credentials/credentials';
import { loadOrgKeys, type OrgKeyRing } from '../../src/crypto/keys';
import { runCli } from './run-cli';

const PASSWORD = 'correct horse battery staple 91!';
const TOTP_SECRET = 'jbsw y3dp ehpk 3pxp';
const credentialsJson = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({ username: 'admin@acme.example', password: PASSWORD, totpSecret: TOTP_SECRET, ...overrides });

describe('chainkeeper credentials seal', () => {
  let root: string;
  let fullDir: string;
  let ring: OrgKeyRing;
  let publicKey: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'chainkeeper-seal-'));
    fullDir = join(root, 'worker-keys');
    expect((await runCli(['keys', 'init', '--dir', fullDir])).code).toBe(0);
    ring = await loadOrgKeys(fullDir);
    publicKey = Buffer.from(ring.current.publicKey).toString('base64');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('seals to a public key given on the command line, on a machine without any key files', async () => {
    const result = await runCli(
      ['credentials', 'seal', '--public-key', publicKey, '--key-id', ring.current.keyId, '--stdin'],
      {
        env: { CHAINKEEPER_KEYS_DIR: join(root, 'does-not-exist') },
        input: credentialsJson(),
      },
    );
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { sealedBox: string; keyId: string };
    expect(Object.keys(printed)).toEqual(['sealedBox', 'keyId']);
    expect(printed.keyId).toBe(ring.current.keyId);
    expect(openCredentials(ring, printed)).toEqual({
      username: 'admin@acme.example',
      password: PASSWORD,
      totpSecret: 'JBSWY3DPEHPK3PXP',
    });
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    expect(result.stderr).toContain('enrollCredentials');
  });

  it('seals from a file with the current key of a directory that holds only the public key file', async () => {
    const adminDir = join(root, 'admin-keys');
    await mkdir(adminDir, { mode: 0o700 });
    await copyFile(join(fullDir, `org-${ring.current.keyId}.pub`), join(adminDir, `org-${ring.current.keyId}.pub`));
    const file = join(root, 'login.json');
    await writeFile(file, credentialsJson(), { mode: 0o600 });

    const result = await runCli(['credentials', 'seal', '--from-file', file], {
      env: { CHAINKEEPER_KEYS_DIR: adminDir },
    });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { sealedBox: string; keyId: string };
    expect(openCredentials(ring, printed).password).toBe(PASSWORD);
  });

  it('refuses a bad TOTP secret before sealing, naming the field and never the values', async () => {
    const result = await runCli(['credentials', 'seal', '--public-key', publicKey, '--stdin'], {
      input: credentialsJson({ totpSecret: 'not-a-base32-secret!' }),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^chainkeeper: The TOTP secret is not base32\..*Nothing was sealed or sent\.\n$/);
    expect(result.stderr).not.toContain('not-a-base32-secret');
    expect(result.stderr).not.toContain(PASSWORD);
  });

  it('names an empty password as the problem', async () => {
    const result = await runCli(['credentials', 'seal', '--public-key', publicKey, '--stdin'], {
      input: credentialsJson({ password: '  ' }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^chainkeeper: The password is empty/);
  });

  it('says the input is not JSON without quoting it', async () => {
    const result = await runCli(['credentials', 'seal', '--public-key', publicKey, '--stdin'], {
      input: `username=admin password=${PASSWORD}`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^chainkeeper: standard input does not hold JSON: expected \{"username"/);
    expect(result.stderr).not.toContain(PASSWORD);
  });

  it('refuses a key id that does not belong to the public key, as a usage error', async () => {
    const result = await runCli(
      ['credentials', 'seal', '--public-key', publicKey, '--key-id', '0123456789abcdef', '--stdin'],
      {
        input: credentialsJson(),
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`its id is ${ring.current.keyId}`);
  });

  it('does not wait for typing when standard input is not a terminal and no source is given', async () => {
    const result = await runCli(['credentials', 'seal', '--public-key', publicKey]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^chainkeeper: standard input is not a terminal.*--stdin or --from-file/);
  });
});

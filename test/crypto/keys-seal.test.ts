import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sodium from 'libsodium-wrappers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  generateOrgKeyPair,
  keyIdOf,
  loadOrgKeys,
  markCurrentOrgKey,
  OrgKeyError,
  writeOrgKeyPair,
  writeOrgPublicKey,
  type OrgKeyPair,
} from '../../src/crypto/keys';
import {
  createTokenSealer,
  openSealedBox,
  openSealedBoxToString,
  SealedBoxError,
  sealToPublicKey,
} from '../../src/crypto/seal';

const SECRET = 'hunter2-päss-🔑-totp:JBSWY3DPEHPK3PXP';

/** Runs `action`, expects it to throw `type`, and returns the error for further checks. */
function thrown<T extends Error>(type: new (...args: never[]) => T, action: () => unknown): T {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as T;
  }
  throw new Error('expected an error, none was thrown');
}

async function rejected<T extends Error>(type: new (...args: never[]) => T, action: Promise<unknown>): Promise<T> {
  const error: unknown = await action.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}

function flipByte(box: string, index: number): string {
  const bytes = Buffer.from(box, 'base64');
  bytes[index] = bytes[index]! ^ 0x01;
  return bytes.toString('base64');
}

describe('organization key pairs', () => {
  it('names a key by the first 16 hex characters of the BLAKE2b-256 hash of its public key', () => {
    const pair = generateOrgKeyPair();
    const expected = sodium.to_hex(sodium.crypto_generichash(32, pair.publicKey, null)).slice(0, 16);
    expect(pair.keyId).toBe(expected);
    expect(keyIdOf(pair.publicKey)).toBe(expected);
    expect(pair.publicKey).toHaveLength(32);
    expect(pair.privateKey).toHaveLength(32);
    expect(generateOrgKeyPair().keyId).not.toBe(pair.keyId);
  });
});

describe('sealing to the organization key', () => {
  const pair = generateOrgKeyPair();
  const other = generateOrgKeyPair();

  it('opens a box sealed to the public key with the matching private key', () => {
    const box = sealToPublicKey(pair.publicKey, SECRET);
    expect(box).not.toContain(SECRET);
    expect(openSealedBoxToString(pair, box)).toBe(SECRET);
    const bytes = new Uint8Array([0, 1, 2, 255]);
    expect(openSealedBox(pair, sealToPublicKey(pair.publicKey, bytes))).toEqual(bytes);
  });

  it('produces a plain crypto_box_seal box that libsodium itself opens after base64 decoding', () => {
    const box = sealToPublicKey(pair.publicKey, SECRET);
    const opened = sodium.crypto_box_seal_open(Buffer.from(box, 'base64'), pair.publicKey, pair.privateKey);
    expect(sodium.to_string(opened)).toBe(SECRET);
  });

  it('refuses to open a box with a key it was not sealed to', () => {
    const error = thrown(SealedBoxError, () => openSealedBox(other, sealToPublicKey(pair.publicKey, SECRET)));
    expect(error.problem).toBe('cannot-open');
    expect(error.message).toContain(other.keyId);
  });

  it('refuses a box with one flipped byte, wherever the byte is', () => {
    const box = sealToPublicKey(pair.publicKey, SECRET);
    for (const index of [0, 31, 32, 47, 48, Buffer.from(box, 'base64').length - 1]) {
      expect(thrown(SealedBoxError, () => openSealedBox(pair, flipByte(box, index))).problem).toBe('cannot-open');
    }
  });

  it('refuses a truncated box, shorter or longer than the sealed-box overhead', () => {
    const bytes = Buffer.from(sealToPublicKey(pair.publicKey, SECRET), 'base64');
    const short = thrown(SealedBoxError, () => openSealedBox(pair, bytes.subarray(0, 20).toString('base64')));
    expect(short.problem).toBe('truncated');
    const cut = thrown(SealedBoxError, () =>
      openSealedBox(pair, bytes.subarray(0, bytes.length - 3).toString('base64')),
    );
    expect(cut.problem).toBe('cannot-open');
  });

  it('refuses text that is not base64, including URL-safe base64 and an empty string', () => {
    const box = sealToPublicKey(pair.publicKey, SECRET);
    for (const bad of ['not a box!', `${box}$`, box.replaceAll('+', '-').replaceAll('/', '_') + '-_', '']) {
      const error = thrown(SealedBoxError, () => openSealedBox(pair, bad));
      expect(['not-base64', 'truncated']).toContain(error.problem);
    }
    expect(thrown(SealedBoxError, () => openSealedBox(pair, '@@@@')).problem).toBe('not-base64');
  });

  it('refuses a box holding bytes that are not UTF-8 when text is asked for', () => {
    const box = sealToPublicKey(pair.publicKey, new Uint8Array([0xff, 0xfe, 0xfd]));
    expect(thrown(SealedBoxError, () => openSealedBoxToString(pair, box)).problem).toBe('not-utf8');
  });

  it('never puts the plaintext or the box in an error message', () => {
    const box = sealToPublicKey(pair.publicKey, SECRET);
    const errors = [
      thrown(SealedBoxError, () => openSealedBoxToString(other, box)),
      thrown(SealedBoxError, () => openSealedBoxToString(pair, flipByte(box, 50))),
      thrown(SealedBoxError, () => openSealedBoxToString(pair, `${box}!`)),
    ];
    for (const error of errors) {
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain(box.slice(0, 16));
      expect(String(error.stack)).not.toContain(SECRET);
    }
  });
});

describe('key files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chainkeeper-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the private key with mode 0600 and the public key with mode 0644, as base64', async () => {
    const pair = generateOrgKeyPair();
    const keysDir = join(dir, 'keys');
    const { privateKeyFile, publicKeyFile } = await writeOrgKeyPair(keysDir, pair);
    expect(privateKeyFile).toBe(join(keysDir, `org-${pair.keyId}.key`));
    expect(publicKeyFile).toBe(join(keysDir, `org-${pair.keyId}.pub`));
    expect((await stat(privateKeyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(publicKeyFile)).mode & 0o777).toBe(0o644);
    expect((await stat(keysDir)).mode & 0o777).toBe(0o700);
    expect((await readFile(publicKeyFile, 'utf8')).trim()).toBe(Buffer.from(pair.publicKey).toString('base64'));
  });

  it('loads back what it wrote, private key included', async () => {
    const pair = generateOrgKeyPair();
    await writeOrgKeyPair(dir, pair);
    const ring = await loadOrgKeys(dir);
    expect(ring.keys).toHaveLength(1);
    expect(ring.current).toEqual(pair);
  });

  it('never overwrites an existing key file', async () => {
    const pair = generateOrgKeyPair();
    await writeOrgKeyPair(dir, pair);
    const before = await readFile(join(dir, `org-${pair.keyId}.key`), 'utf8');
    const error = await rejected(OrgKeyError, writeOrgKeyPair(dir, pair));
    expect(error.problem).toBe('exists');
    expect(await readFile(join(dir, `org-${pair.keyId}.key`), 'utf8')).toBe(before);
  });

  it('refuses a private key that group or others may read, and says to chmod 600', async () => {
    const pair = generateOrgKeyPair();
    const { privateKeyFile } = await writeOrgKeyPair(dir, pair);
    await chmod(privateKeyFile, 0o644);
    const error = await rejected(OrgKeyError, loadOrgKeys(dir));
    expect(error.problem).toBe('insecure-permissions');
    expect(error.message).toContain(`chmod 600 ${privateKeyFile}`);
    expect(error.message).not.toContain(Buffer.from(pair.privateKey).toString('base64'));
    await chmod(privateKeyFile, 0o640);
    expect((await rejected(OrgKeyError, loadOrgKeys(dir))).problem).toBe('insecure-permissions');
  });

  it('loads a public key alone for a machine that only seals, which cannot open', async () => {
    const pair = generateOrgKeyPair();
    await writeOrgPublicKey(dir, pair);
    const ring = await loadOrgKeys(dir);
    expect(ring.current.privateKey).toBeUndefined();
    const sealer = createTokenSealer(ring);
    const sealed = sealer.seal(SECRET);
    expect(openSealedBoxToString(pair, sealed.box)).toBe(SECRET);
    expect(thrown(SealedBoxError, () => sealer.open(sealed)).problem).toBe('no-private-key');
  });

  it('derives the public key when only the private key file is present', async () => {
    const pair = generateOrgKeyPair();
    await writeOrgKeyPair(dir, pair);
    await rm(join(dir, `org-${pair.keyId}.pub`));
    expect((await loadOrgKeys(dir)).current).toEqual(pair);
  });

  it('says so when the key directory is missing or holds no key', async () => {
    expect((await rejected(OrgKeyError, loadOrgKeys(join(dir, 'nope')))).problem).toBe('missing-dir');
    await writeFile(join(dir, 'README'), 'not a key');
    expect((await rejected(OrgKeyError, loadOrgKeys(dir))).problem).toBe('no-keys');
  });

  it('refuses a key whose file name does not match its public key', async () => {
    const pair = generateOrgKeyPair();
    await writeOrgPublicKey(dir, pair);
    await rename(join(dir, `org-${pair.keyId}.pub`), join(dir, 'org-0123456789abcdef.pub'));
    const error = await rejected(OrgKeyError, loadOrgKeys(dir));
    expect(error.problem).toBe('id-mismatch');
    expect(error.message).toContain('org-0123456789abcdef.pub');
  });

  it('refuses a private key that does not belong to the public key beside it', async () => {
    const pair = generateOrgKeyPair();
    const stranger = generateOrgKeyPair();
    await writeOrgPublicKey(dir, pair);
    await writeFile(join(dir, `org-${pair.keyId}.key`), Buffer.from(stranger.privateKey).toString('base64'), {
      mode: 0o600,
    });
    expect((await rejected(OrgKeyError, loadOrgKeys(dir))).problem).toBe('id-mismatch');
  });

  it('refuses a key file that is not a base64 32-byte key, or not a file at all', async () => {
    await writeFile(join(dir, 'org-0123456789abcdef.pub'), 'AAAA\n');
    expect((await rejected(OrgKeyError, loadOrgKeys(dir))).problem).toBe('malformed');
    await rm(join(dir, 'org-0123456789abcdef.pub'));
    await mkdir(join(dir, 'org-0123456789abcdef.key'), { mode: 0o700 });
    expect((await rejected(OrgKeyError, loadOrgKeys(dir))).problem).toBe('unreadable');
  });

  it('makes the newest key current, or the one the current file names', async () => {
    const older = generateOrgKeyPair();
    const newer = generateOrgKeyPair();
    await writeOrgKeyPair(dir, older);
    await writeOrgKeyPair(dir, newer);
    await ageKeyFiles(dir, older, new Date('2024-01-01T00:00:00Z'));
    await ageKeyFiles(dir, newer, new Date('2025-01-01T00:00:00Z'));
    let ring = await loadOrgKeys(dir);
    expect(ring.current.keyId).toBe(newer.keyId);
    expect(ring.keys.map((key) => key.keyId).sort()).toEqual([older.keyId, newer.keyId].sort());

    await markCurrentOrgKey(dir, older.keyId);
    ring = await loadOrgKeys(dir);
    expect(ring.current.keyId).toBe(older.keyId);

    await writeFile(join(dir, 'current'), 'feedfacefeedface\n');
    const error = await rejected(OrgKeyError, loadOrgKeys(dir));
    expect(error.problem).toBe('unknown-current');
    expect(error.message).toContain(older.keyId);
  });
});

describe('token sealer', () => {
  it('seals to the current key and still opens boxes sealed to an older key after rotation', () => {
    const first = generateOrgKeyPair();
    const second = generateOrgKeyPair();
    const before = createTokenSealer({ current: first, keys: [first] });
    const oldRow = before.seal('refresh-token-of-generation-7');
    expect(oldRow.keyId).toBe(first.keyId);

    const after = createTokenSealer({ current: second, keys: [first, second] });
    expect(after.currentKeyId).toBe(second.keyId);
    const newRow = after.seal('refresh-token-of-generation-8');
    expect(newRow.keyId).toBe(second.keyId);
    expect(after.open(oldRow)).toBe('refresh-token-of-generation-7');
    expect(after.open(newRow)).toBe('refresh-token-of-generation-8');
  });

  it('says which key is missing when a row was sealed to a key the ring lacks', () => {
    const retired = generateOrgKeyPair();
    const current = generateOrgKeyPair();
    const row = createTokenSealer({ current: retired, keys: [retired] }).seal('refresh-token-x');
    const error = thrown(SealedBoxError, () => createTokenSealer({ current, keys: [current] }).open(row));
    expect(error.problem).toBe('unknown-key');
    expect(error.message).toContain(retired.keyId);
    expect(error.message).not.toContain('refresh-token-x');
  });

  it('refuses a box whose key id was swapped for another key of the ring', () => {
    const first = generateOrgKeyPair();
    const second = generateOrgKeyPair();
    const sealer = createTokenSealer({ current: second, keys: [first, second] });
    const row = sealer.seal('refresh-token-y');
    expect(thrown(SealedBoxError, () => sealer.open({ ...row, keyId: first.keyId })).problem).toBe('cannot-open');
  });
});

async function ageKeyFiles(dir: string, pair: OrgKeyPair, when: Date): Promise<void> {
  for (const suffix of ['pub', 'key']) await utimes(join(dir, `org-${pair.keyId}.${suffix}`), when, when);
}

import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HISTORY_KEY_ID_PATTERN,
  HistoryKeyError,
  generateHistoryKey,
  loadHistoryKeys,
  writeHistoryKey,
} from '../../src/crypto/history-keys';

describe('history keys', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'history-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a 32-byte key as base64 in history-<id>.key with mode 0600 and loads it back', async () => {
    const key = await generateHistoryKey();
    expect(key.id).toMatch(HISTORY_KEY_ID_PATTERN);
    expect(key.key).toHaveLength(32);
    const path = await writeHistoryKey(join(dir, 'keys'), key);
    expect(path).toBe(join(dir, 'keys', `history-${key.id}.key`));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'keys'))).mode & 0o777).toBe(0o700);
    expect(Buffer.from((await readFile(path, 'utf8')).trim(), 'base64')).toEqual(Buffer.from(key.key));
    const ring = await loadHistoryKeys(join(dir, 'keys'));
    expect(ring.currentKeyId).toBe(key.id);
    expect([...ring.keys]).toEqual([[key.id, key.key]]);
  });

  it('makes the newest key current and keeps the older ones for decoding, whatever order files were written', async () => {
    const newer = await generateHistoryKey(new Date('2026-03-01T00:00:00Z'));
    const older = await generateHistoryKey(new Date('2025-11-01T00:00:00Z'));
    await writeHistoryKey(dir, newer);
    await writeHistoryKey(dir, older);
    await writeFile(join(dir, 'README'), 'not a key');
    const ring = await loadHistoryKeys(dir);
    expect(ring.currentKeyId).toBe(newer.id);
    expect([...ring.keys.keys()].sort()).toEqual([older.id, newer.id].sort());
  });

  it('never overwrites an existing key file', async () => {
    const key = await generateHistoryKey();
    await writeHistoryKey(dir, key);
    const replacement = { id: key.id, key: new Uint8Array(32) };
    await expect(writeHistoryKey(dir, replacement)).rejects.toThrow(/already exists/);
    expect((await loadHistoryKeys(dir)).keys.get(key.id)).toEqual(key.key);
  });

  it('refuses a key file readable by group or others and says to chmod 600', async () => {
    const key = await generateHistoryKey();
    const path = await writeHistoryKey(dir, key);
    await chmod(path, 0o640);
    const error = await loadHistoryKeys(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HistoryKeyError);
    expect(String(error)).toContain(`chmod 600 ${path}`);
    expect(String(error)).not.toContain(Buffer.from(key.key).toString('base64'));
  });

  it('refuses a damaged key file without quoting its content', async () => {
    const key = await generateHistoryKey();
    const path = await writeHistoryKey(dir, key);
    const truncated = Buffer.from(key.key.subarray(0, 20)).toString('base64');
    await writeFile(path, truncated);
    const error = await loadHistoryKeys(dir).catch((e: unknown) => e);
    expect(String(error)).toMatch(/does not hold a base64 32-byte key/);
    expect(String(error)).not.toContain(truncated);
  });

  it('explains an empty or missing key directory', async () => {
    await expect(loadHistoryKeys(dir)).rejects.toThrow(/no history-<id>.key file/);
    await expect(loadHistoryKeys(join(dir, 'absent'))).rejects.toThrow(/does not exist/);
  });

  it('refuses a key file whose name is not a valid key id', async () => {
    await writeFile(join(dir, 'history-latest.key'), Buffer.alloc(32).toString('base64'), { mode: 0o600 });
    await expect(loadHistoryKeys(dir)).rejects.toThrow(/key id "latest" is not of the form/);
  });
});

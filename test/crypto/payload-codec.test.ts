import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateHistoryKey, loadHistoryKeys, writeHistoryKey, type HistoryKey } from '../../src/crypto/history-keys';
import {
  HistoryKeyringError,
  PayloadDecryptionError,
  SodiumPayloadCodec,
  type PayloadDecryptionFailure,
} from '../../src/crypto/payload-codec';

const SECRET = 'refresh-token-7f3a9c1e55b2d4';

function keyring(...keys: HistoryKey[]) {
  return { currentKeyId: keys[keys.length - 1]!.id, keys: new Map(keys.map((k) => [k.id, k.key])) };
}

function text(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes == null ? undefined : Buffer.from(bytes).toString('utf8');
}

function containsSecret(payload: Payload): boolean {
  const all = [payload.data, ...Object.values(payload.metadata ?? {})].map((b) => Buffer.from(b ?? []));
  return all.some((bytes) => bytes.includes(SECRET) || bytes.toString('base64').includes(SECRET));
}

async function decodeFailure(codec: SodiumPayloadCodec, payload: Payload): Promise<PayloadDecryptionError> {
  const error: unknown = await codec.decode([payload]).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PayloadDecryptionError);
  expect(String(error)).not.toContain(SECRET);
  return error as PayloadDecryptionError;
}

describe('SodiumPayloadCodec', () => {
  let key: HistoryKey;
  let codec: SodiumPayloadCodec;
  beforeEach(async () => {
    key = await generateHistoryKey();
    codec = await SodiumPayloadCodec.create(keyring(key));
  });

  it('round-trips JSON, binary, undefined and empty payloads with their metadata intact', async () => {
    const originals: Payload[] = [
      defaultPayloadConverter.toPayload({ refreshToken: SECRET, n: 1, nested: [true, null] }),
      defaultPayloadConverter.toPayload(SECRET),
      defaultPayloadConverter.toPayload(new Uint8Array([0, 255, 7, 128])),
      defaultPayloadConverter.toPayload(undefined),
      { metadata: { encoding: Buffer.from('json/plain'), custom: Buffer.from('x') }, data: new Uint8Array() },
    ];
    const encoded = await codec.encode(originals);
    expect(encoded).toHaveLength(originals.length);
    for (const payload of encoded) {
      expect(text(payload.metadata?.encoding)).toBe('binary/encrypted');
      expect(text(payload.metadata?.['encryption-key-id'])).toBe(key.id);
      expect(text(payload.metadata?.['encryption-version'])).toBe('1');
      expect(Object.keys(payload.metadata ?? {}).sort()).toEqual([
        'encoding',
        'encryption-key-id',
        'encryption-version',
      ]);
      expect(containsSecret(payload)).toBe(false);
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.slice(0, 4).map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      { refreshToken: SECRET, n: 1, nested: [true, null] },
      SECRET,
      new Uint8Array([0, 255, 7, 128]),
      undefined,
    ]);
    expect(text(decoded[4]?.metadata?.encoding)).toBe('json/plain');
    expect(text(decoded[4]?.metadata?.custom)).toBe('x');
    expect(decoded[4]?.data).toHaveLength(0);
  });

  it('encrypts the same payload differently each time (random nonce)', async () => {
    const payload = defaultPayloadConverter.toPayload(SECRET);
    const [a, b] = await codec.encode([payload, payload]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('passes a plain payload through decode untouched, as typed into the Web UI without a codec', async () => {
    const plain = defaultPayloadConverter.toPayload({ action: 'refresh-now' });
    const [decoded] = await codec.decode([plain]);
    expect(decoded).toBe(plain);
    expect(await codec.decode([])).toEqual([]);
  });

  it.each<[string, (p: Payload) => Payload, PayloadDecryptionFailure]>([
    ['a flipped ciphertext byte', (p) => ({ ...p, data: flip(p.data!, 40) }), 'tampered'],
    ['a flipped nonce byte', (p) => ({ ...p, data: flip(p.data!, 3) }), 'tampered'],
    ['truncated data', (p) => ({ ...p, data: p.data!.subarray(0, 30) }), 'malformed'],
    ['an unknown version', (p) => withMetadata(p, 'encryption-version', '2'), 'unsupported-version'],
  ])('refuses an encrypted payload with %s, naming the key id and no plaintext', async (_, damage, reason) => {
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const error = await decodeFailure(codec, damage(encoded!));
    expect(error.reason).toBe(reason);
    expect(error.keyId).toBe(key.id);
    expect(error.message).toContain(key.id);
  });

  it('refuses a payload relabelled with another known key id, because the id is authenticated', async () => {
    const other = await generateHistoryKey();
    const both = await SodiumPayloadCodec.create({ currentKeyId: key.id, keys: keyring(key, other).keys });
    const [encoded] = await both.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const error = await decodeFailure(both, withMetadata(encoded!, 'encryption-key-id', other.id));
    expect(error.reason).toBe('tampered');
  });

  it('names the missing key id when a payload was encrypted with a key this process lacks', async () => {
    const stranger = await SodiumPayloadCodec.create(keyring(await generateHistoryKey()));
    const [encoded] = await codec.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const error = await decodeFailure(stranger, encoded!);
    expect(error.reason).toBe('unknown-key');
    expect(error.message).toContain(`history-${key.id}.key`);
  });

  it('refuses a keyring whose current key is missing or the wrong size', async () => {
    await expect(SodiumPayloadCodec.create({ currentKeyId: 'h-x', keys: new Map() })).rejects.toBeInstanceOf(
      HistoryKeyringError,
    );
    await expect(
      SodiumPayloadCodec.create({ currentKeyId: 'h-x', keys: new Map([['h-x', new Uint8Array(16)]]) }),
    ).rejects.toThrow(/16 bytes, expected 32/);
  });
});

describe('SodiumPayloadCodec after key rotation', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'history-keys-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('decodes history written with the old key and encrypts new payloads with the new one', async () => {
    const oldKey = await generateHistoryKey(new Date('2026-01-01T00:00:00Z'));
    await writeHistoryKey(dir, oldKey);
    const before = await SodiumPayloadCodec.create(await loadHistoryKeys(dir));
    const [oldPayload] = await before.encode([defaultPayloadConverter.toPayload(SECRET)]);

    const newKey = await generateHistoryKey(new Date('2026-04-01T00:00:00Z'));
    await writeHistoryKey(dir, newKey);
    const after = await SodiumPayloadCodec.create(await loadHistoryKeys(dir));
    expect(after.currentKeyId).toBe(newKey.id);

    const [decoded] = await after.decode([oldPayload!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toBe(SECRET);
    const [newPayload] = await after.encode([defaultPayloadConverter.toPayload(SECRET)]);
    expect(text(newPayload!.metadata?.['encryption-key-id'])).toBe(newKey.id);
    await expect(before.decode([newPayload!])).rejects.toMatchObject({ reason: 'unknown-key', keyId: newKey.id });
  });
});

function flip(data: Uint8Array, index: number): Uint8Array {
  const copy = new Uint8Array(data);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

function withMetadata(payload: Payload, key: string, value: string): Payload {
  return { ...payload, metadata: { ...payload.metadata, [key]: Buffer.from(value) } };
}

import { readFileSync } from 'node:fs';
import type { HistoryKey } from '../../src/crypto/history-keys';

/** The test-only key the committed replay histories are encrypted with (it protects nothing real). */
export function replayHistoryKey(): HistoryKey {
  const file = new URL('../fixtures/replay-history-key.json', import.meta.url);
  const { id, key } = JSON.parse(readFileSync(file, 'utf8')) as { id: string; key: string };
  return { id, key: new Uint8Array(Buffer.from(key, 'base64')) };
}

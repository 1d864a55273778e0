import { createDataConverter } from '../../src/crypto/data-converter';
import { generateHistoryKey, type HistoryKey } from '../../src/crypto/history-keys';
import { generateOrgKeyPair } from '../../src/crypto/keys';
import { SodiumPayloadCodec } from '../../src/crypto/payload-codec';
import { createTokenSealer, type TokenSealer } from '../../src/crypto/seal';
import type { DataConverter } from '@temporalio/common';

/** In-memory keys for one test file (a fresh history key unless one is given): a token sealer for the vault and the encrypting data converter. */
export async function createTestKeys(
  historyKey?: HistoryKey,
): Promise<{ sealer: TokenSealer; dataConverter: DataConverter }> {
  const pair = generateOrgKeyPair();
  const sealer = createTokenSealer({ current: pair, keys: [pair] });
  const history = historyKey ?? (await generateHistoryKey());
  const codec = await SodiumPayloadCodec.create({
    currentKeyId: history.id,
    keys: new Map([[history.id, history.key]]),
  });
  return { sealer, dataConverter: createDataConverter(codec) };
}

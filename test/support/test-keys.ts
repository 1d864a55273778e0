import { generateConsumerKeyPair } from '../../src/crypto/consumer-keys';
import { createDataConverter } from '../../src/crypto/data-converter';
import { generateHistoryKey, type HistoryKey } from '../../src/crypto/history-keys';
import { generateOrgKeyPair, type OrgKeyRing } from '../../src/crypto/keys';
import { SodiumPayloadCodec } from '../../src/crypto/payload-codec';
import { createTokenSealer, type TokenSealer } from '../../src/crypto/seal';
import type { DataConverter } from '@temporalio/common';

/**
 * In-memory keys for one test file (a fresh history key unless one is given): a token sealer for the vault, the
 * encrypting data converter, and a consumer key pair (activities seal access tokens to `consumerKeys.current`).
 */
export async function createTestKeys(historyKey?: HistoryKey): Promise<{
  sealer: TokenSealer;
  orgKeys: OrgKeyRing;
  consumerKeys: OrgKeyRing;
  dataConverter: DataConverter;
}> {
  const consumer = generateConsumerKeyPair();
  const consumerKeys: OrgKeyRing = { current: consumer, keys: [consumer] };
  const pair = generateOrgKeyPair();
  const orgKeys: OrgKeyRing = { current: pair, keys: [pair] };
  const sealer = createTokenSealer(orgKeys);
  const history = historyKey ?? (await generateHistoryKey());
  const codec = await SodiumPayloadCodec.create({
    currentKeyId: history.id,
    keys: new Map([[history.id, history.key]]),
  });
  return { sealer, orgKeys, consumerKeys, dataConverter: createDataConverter(codec) };
}

import { readdirSync, readFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDataConverter } from '../../src/crypto/data-converter';
import { SodiumPayloadCodec } from '../../src/crypto/payload-codec';
import { bundleWorkflowsInChild } from '../../src/temporal/workflow-bundle';
import { replayHistoryKey } from '../support/replay-key';

const dir = new URL('./histories/', import.meta.url);

/**
 * The run's workflow ID, `container/<alias>` from its input: a fresh start checks its alias against it, so a
 * replay under another ID would fail where the recorded run did not.
 */
async function workflowIdOf(
  history: proto.temporal.api.history.v1.IHistory,
  codec: SodiumPayloadCodec,
): Promise<string> {
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  const [decoded] = await codec.decode(payload ? [payload] : []);
  const input = JSON.parse(new TextDecoder().decode(decoded!.data)) as { alias: string };
  return `container/${input.alias}`;
}
const files = readdirSync(dir).filter((name) => name.endsWith('.binpb'));

describe('recorded container histories replay against the current workflow code', () => {
  // The code exactly as a worker runs it: bundled in a child process with the failure converter.
  let code: string;
  beforeAll(async () => {
    code = await bundleWorkflowsInChild();
  });

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  for (const file of files) {
    it(`replays ${file} without a determinism error`, async () => {
      const key = replayHistoryKey();
      const codec = await SodiumPayloadCodec.create({ currentKeyId: key.id, keys: new Map([[key.id, key.key]]) });
      const history = proto.temporal.api.history.v1.History.decode(readFileSync(new URL(file, dir)));
      await Worker.runReplayHistory(
        { workflowBundle: { code }, dataConverter: createDataConverter(codec) },
        history,
        await workflowIdOf(history, codec),
      );
    });
  }
});

import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';

type History = proto.temporal.api.history.v1.IHistory;
type Payload = proto.temporal.api.common.v1.IPayload;

/** A signal or update input as Temporal stored it: the first payload, undecoded. */
export interface StoredInput {
  kind: 'signal' | 'update';
  name: string;
  /** The payload's `encoding` metadata: `binary/encrypted` when the codec encoded it, `json/plain` when not. */
  encoding: string;
  payload: Payload;
}

/**
 * Reads workflow histories exactly as the Temporal server stores them: through a client without chainkeeper's
 * codec, so encrypted payloads stay encrypted and plaintext ones show as plaintext.
 */
export class RawHistory {
  private constructor(
    private readonly connection: Connection,
    private readonly client: Client,
  ) {}

  static async connect(address: string): Promise<RawHistory> {
    const connection = await Connection.connect({ address });
    return new RawHistory(connection, new Client({ connection }));
  }

  async fetch(workflowId: string): Promise<History> {
    return this.client.workflow.getHandle(workflowId).fetchHistory();
  }

  /** Every signal and update input in the history, in event order. */
  async inputs(workflowId: string): Promise<StoredInput[]> {
    const inputs: StoredInput[] = [];
    for (const event of (await this.fetch(workflowId)).events ?? []) {
      const signal = event.workflowExecutionSignaledEventAttributes;
      if (signal) inputs.push(storedInput('signal', signal.signalName, signal.input?.payloads));
      const update = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
      if (update) inputs.push(storedInput('update', update.name, update.args?.payloads));
    }
    return inputs;
  }

  /** Whether `text` appears anywhere in the stored history, as UTF-8 bytes. */
  async contains(workflowId: string, text: string): Promise<boolean> {
    const bytes = proto.temporal.api.history.v1.History.encode(await this.fetch(workflowId)).finish();
    return Buffer.from(bytes).includes(Buffer.from(text));
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

function storedInput(kind: StoredInput['kind'], name: string | null | undefined, payloads?: Payload[] | null) {
  const payload = payloads?.[0] ?? {};
  const encoding = payload.metadata?.encoding;
  return { kind, name: name ?? '', encoding: encoding ? Buffer.from(encoding).toString() : '(none)', payload };
}

/** Decodes a stored payload through the codec server's `/decode`, as the CLI or the Web UI would. */
export async function decodeThroughCodec(codecUrl: string, payload: Payload): Promise<string> {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
  );
  const response = await fetch(`${codecUrl}/decode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ payloads: [{ metadata, data: Buffer.from(payload.data ?? []).toString('base64') }] }),
  });
  if (!response.ok) throw new Error(`codec server answered ${response.status} to /decode`);
  const body = (await response.json()) as { payloads: { data: string }[] };
  return Buffer.from(body.payloads[0]?.data ?? '', 'base64').toString();
}

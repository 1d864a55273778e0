import '../support/quiet-runtime';
import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, type DataConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDataConverter } from '../../src/crypto/data-converter';
import { generateHistoryKey } from '../../src/crypto/history-keys';
import { SodiumPayloadCodec } from '../../src/crypto/payload-codec';
import { secretActivities } from './fixtures/secret-activities';
import { secretEcho, secretFailure } from './fixtures/secret-echo-workflow';

type History = proto.temporal.api.history.v1.IHistory;
const workflowsPath = new URL('./fixtures/secret-echo-workflow.ts', import.meta.url).pathname;

/** Every place in a history where the secret shows up: as text, as raw bytes, or base64-encoded. */
function findSecret(history: History, secret: string): string[] {
  const needle = Buffer.from(secret);
  const found: string[] = [];
  if (JSON.stringify(history).includes(secret)) found.push('JSON.stringify');
  if (Buffer.from(proto.temporal.api.history.v1.History.encode(history).finish()).includes(needle)) {
    found.push('protobuf encoding');
  }
  const visit = (value: unknown, path: string): void => {
    if (value instanceof Uint8Array) {
      if (Buffer.from(value).includes(needle)) found.push(path);
    } else if (typeof value === 'string') {
      if (value.includes(secret) || Buffer.from(value, 'base64').includes(needle)) found.push(path);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`);
    }
  };
  visit(history, 'history');
  return found;
}

function failedEventMessage(history: History): string | null | undefined {
  return history.events?.find((e) => e.workflowExecutionFailedEventAttributes)?.workflowExecutionFailedEventAttributes
    ?.failure?.message;
}

describe('Temporal history written through the sodium payload codec', () => {
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let rawClient: Client;
  const queues = { encrypted: `secret-encrypted-${randomUUID()}`, plain: `secret-plain-${randomUUID()}` };
  const clients: Partial<Record<keyof typeof queues, Client>> = {};
  const workers: { worker: Worker; running: Promise<void> }[] = [];

  beforeAll(async () => {
    const address = inject('temporalAddress');
    nativeConnection = await NativeConnection.connect({ address });
    connection = await Connection.connect({ address });
    rawClient = new Client({ connection });
    const key = await generateHistoryKey();
    const codec = await SodiumPayloadCodec.create({ currentKeyId: key.id, keys: new Map([[key.id, key.key]]) });
    const converters: Record<keyof typeof queues, DataConverter | undefined> = {
      encrypted: createDataConverter(codec),
      plain: undefined,
    };
    for (const name of ['encrypted', 'plain'] as const) {
      const dataConverter = converters[name];
      clients[name] = new Client({ connection, dataConverter });
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue: queues[name],
        workflowsPath,
        activities: secretActivities,
        dataConverter,
      });
      workers.push({ worker, running: worker.run() });
    }
  });

  afterAll(async () => {
    for (const { worker } of workers) worker.shutdown();
    await Promise.all(workers.map(({ running }) => running));
    await connection?.close();
    await nativeConnection?.close();
  });

  async function runEcho(name: keyof typeof queues, secret: string): Promise<{ result: string; history: History }> {
    const handle = await clients[name]!.workflow.start(secretEcho, {
      taskQueue: queues[name],
      workflowId: `secret-echo-${randomUUID()}`,
      args: [secret],
    });
    const result = await handle.result();
    return { result, history: await rawClient.workflow.getHandle(handle.workflowId).fetchHistory() };
  }

  async function runFailure(name: keyof typeof queues, secret: string): Promise<{ error: unknown; history: History }> {
    const handle = await clients[name]!.workflow.start(secretFailure, {
      taskQueue: queues[name],
      workflowId: `secret-failure-${randomUUID()}`,
      args: [secret],
    });
    const error = await handle.result().catch((e: unknown) => e);
    return { error, history: await rawClient.workflow.getHandle(handle.workflowId).fetchHistory() };
  }

  it('keeps a secret input, activity input and result out of the raw history; the codec client reads the result', async () => {
    const secret = `refresh-${randomUUID()}`;
    const { result, history } = await runEcho('encrypted', secret);
    expect(result).toBe(secret);
    expect(findSecret(history, secret)).toEqual([]);
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(Buffer.from(input?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
  });

  it('keeps a secret quoted in activity and workflow failure messages out of the raw history', async () => {
    const secret = `password-${randomUUID()}`;
    const { error, history } = await runFailure('encrypted', secret);
    expect(findSecret(history, secret)).toEqual([]);
    // The failure converter moved the real message into an encrypted payload.
    expect(failedEventMessage(history)).toBe('Encoded failure');

    expect(error).toBeInstanceOf(WorkflowFailedError);
    const workflowFailure = (error as WorkflowFailedError).cause;
    expect(workflowFailure).toBeInstanceOf(ApplicationFailure);
    expect(workflowFailure?.message).toBe(`workflow refused ${secret}`);
    const activityFailure = workflowFailure?.cause as ActivityFailure | undefined;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect(activityFailure?.cause?.message).toBe(`activity refused ${secret}`);
  });

  it('finds the secret in history written without the codec, so the checks above can fail', async () => {
    const echoSecret = `refresh-${randomUUID()}`;
    const echo = await runEcho('plain', echoSecret);
    expect(echo.result).toBe(echoSecret);
    expect(findSecret(echo.history, echoSecret)).toEqual(
      expect.arrayContaining(['protobuf encoding', expect.stringMatching(/\.input\.payloads\.0\.data$/)]),
    );

    const failureSecret = `password-${randomUUID()}`;
    const failure = await runFailure('plain', failureSecret);
    expect(failedEventMessage(failure.history)).toBe(`workflow refused ${failureSecret}`);
    expect(findSecret(failure.history, failureSecret)).toEqual(
      expect.arrayContaining(['JSON.stringify', expect.stringMatching(/\.failure\.message$/)]),
    );
  });
});

import { readdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { CONSUMER_KEYS, generateConsumerKeyPair, writeConsumerKeyPair } from '../../crypto/consumer-keys';
import { generateHistoryKey, loadHistoryKeys, writeHistoryKey, type HistoryKey } from '../../crypto/history-keys';
import {
  generateOrgKeyPair,
  loadKeyRingOf,
  loadOrgKeys,
  markCurrentOrgKey,
  OrgKeyError,
  writeOrgKeyPair,
} from '../../crypto/keys';
import { keysDirectory } from './option-values';

/*
 * The organization key pair seals credentials (and tokens at rest); history keys encrypt Temporal payloads; the
 * consumer key pair seals access tokens for consumers. Keys are only ever added: rotation makes a new current key
 * and keeps the old ones, which still open old boxes and decode old history.
 */

const KEY_FILE = /^(org-[0-9a-f]{16}\.(key|pub)|history-.+\.key)$/;
const CONSUMER_KEY_FILE = /^consumer-[0-9a-f]{16}\.(key|pub)$/;

interface KeysOptions {
  dir?: string;
  json?: boolean;
  /** Where the consumer private key goes (a directory holding nothing else). @default the key directory */
  consumerDir?: string;
}

interface CreatedConsumerKey {
  consumerKeyId: string;
  /** Directory of consumer-<keyId>.key: copy it to consumer hosts (CHAINKEEPER_CONSUMER_KEY_PATH). */
  consumerKeyDir: string;
}

interface CreatedKeys extends Partial<CreatedConsumerKey> {
  dir: string;
  orgKeyId: string;
  /** Base64 X25519 public key: what an admin's machine needs to seal credentials. */
  publicKey: string;
  historyKeyId: string;
}

async function keyFilesIn(dir: string, pattern: RegExp = KEY_FILE): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => pattern.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The consumer pair: its public half beside the worker's keys, its private half in `consumerDir`. */
async function createConsumerKey(dir: string, consumerDir: string): Promise<CreatedConsumerKey> {
  const pair = generateConsumerKeyPair();
  await writeConsumerKeyPair(dir, pair, consumerDir);
  return { consumerKeyId: pair.keyId, consumerKeyDir: consumerDir };
}

function consumerLines(created: Partial<CreatedConsumerKey>, dir: string): string[] {
  if (created.consumerKeyId === undefined) return [];
  const id = created.consumerKeyId;
  return [
    `consumer key ${id}: workers seal access tokens to ${dir}/consumer-${id}.pub;`,
    `  consumers open them with ${created.consumerKeyDir}/consumer-${id}.key (CHAINKEEPER_CONSUMER_KEY_PATH on a consumer host).`,
    ...(created.consumerKeyDir === dir
      ? [
          '  On a production worker, keep only the .pub: move the .key to the consumers (keys init --consumer-dir <dir>).',
        ]
      : []),
  ];
}

/** A history key whose id sorts after every existing one, so workers agree that it is the current key. */
async function newHistoryKeyAfter(existingIds: string[]): Promise<HistoryKey> {
  const newestS = Math.max(0, ...existingIds.map((id) => parseInt(id.slice(2, 10), 16)));
  return generateHistoryKey(new Date(Math.max(Date.now(), (newestS + 1) * 1000)));
}

async function createKeys(dir: string, existingHistoryIds: string[]): Promise<CreatedKeys> {
  const org = generateOrgKeyPair();
  await writeOrgKeyPair(dir, org);
  const history = await newHistoryKeyAfter(existingHistoryIds);
  await writeHistoryKey(dir, history);
  await markCurrentOrgKey(dir, org.keyId);
  return {
    dir,
    orgKeyId: org.keyId,
    publicKey: Buffer.from(org.publicKey).toString('base64'),
    historyKeyId: history.id,
  };
}

function printCreated(created: CreatedKeys, options: KeysOptions, closing: string[]): void {
  if (options.json) {
    console.log(JSON.stringify(created));
    return;
  }
  console.log(
    [
      `organization key ${created.orgKeyId} and history key ${created.historyKeyId} are in ${created.dir} (private files mode 600).`,
      `org key id:  ${created.orgKeyId}`,
      `public key:  ${created.publicKey}`,
      'To seal credentials on a machine without these files:',
      `  chainkeeper credentials seal --key-id ${created.orgKeyId} --public-key ${created.publicKey}`,
      ...consumerLines(created, created.dir),
      ...closing,
    ].join('\n'),
  );
}

/** A key directory made before consumer keys existed gets its consumer pair, and nothing else changes. */
async function addConsumerKey(dir: string, options: KeysOptions): Promise<void> {
  const created = await createConsumerKey(dir, options.consumerDir ?? dir);
  if (options.json) {
    console.log(JSON.stringify({ dir, ...created }));
    return;
  }
  console.log(
    [
      `${dir} already held the organization and history keys; added the consumer key pair (access tokens are sealed to it).`,
      ...consumerLines(created, dir),
      'Restart the workers: they refuse to start without a consumer public key.',
    ].join('\n'),
  );
}

async function init(options: KeysOptions): Promise<void> {
  const dir = keysDirectory(options.dir);
  const existing = await keyFilesIn(dir);
  const consumer = await keyFilesIn(dir, CONSUMER_KEY_FILE);
  if (existing.length > 0 && consumer.length === 0) return addConsumerKey(dir, options);
  const held = [...existing, ...consumer];
  if (held.length > 0) {
    throw new OrgKeyError(
      'exists',
      `${dir} already holds keys (${held.slice(0, 3).join(', ')}${held.length > 3 ? ', …' : ''}); keys are never ` +
        'overwritten. Use `chainkeeper keys show` to see them, or `chainkeeper keys rotate` to add a new current key.',
    );
  }
  const created = { ...(await createKeys(dir, [])), ...(await createConsumerKey(dir, options.consumerDir ?? dir)) };
  printCreated(created, options, [
    'Back up the .key files and keep them private: workers need them, and lost keys cannot be recreated.',
  ]);
}

async function rotate(options: KeysOptions): Promise<void> {
  const dir = keysDirectory(options.dir);
  if ((await keyFilesIn(dir)).length === 0) {
    throw new OrgKeyError('no-keys', `${dir} holds no keys to rotate: run \`chainkeeper keys init\` first.`);
  }
  const ring = await loadOrgKeys(dir);
  if (ring.current.privateKey === undefined) {
    throw new OrgKeyError(
      'no-keys',
      `${dir} holds only public keys: rotate on a machine that holds the private keys (a worker's key directory).`,
    );
  }
  const history = await loadHistoryKeys(dir);
  const created = await createKeys(dir, [...history.keys.keys()]);
  printCreated(created, options, [
    `The old keys stay in ${dir}: they still open boxes sealed before and decode older history.`,
    'Copy the new org-*.key, org-*.pub, history-*.key files and `current` to every worker and restart them,',
    'and give admins the new public key. Credentials sealed to an old key keep working until they expire.',
  ]);
}

async function show(options: KeysOptions): Promise<void> {
  const dir = keysDirectory(options.dir);
  const ring = await loadOrgKeys(dir);
  const orgKeys = ring.keys.map((key) => ({
    keyId: key.keyId,
    publicKey: Buffer.from(key.publicKey).toString('base64'),
    privateKey: key.privateKey !== undefined,
    current: key.keyId === ring.current.keyId,
  }));
  const consumerKeys = await loadKeyRingOf(CONSUMER_KEYS, dir).then(
    (consumers) =>
      consumers.keys.map((key) => ({
        keyId: key.keyId,
        privateKey: key.privateKey !== undefined,
        current: key.keyId === consumers.current.keyId,
      })),
    () => [],
  );
  let historyKeys: { id: string; current: boolean }[] = [];
  let historyProblem: string | undefined;
  try {
    const history = await loadHistoryKeys(dir);
    historyKeys = [...history.keys.keys()].sort().map((id) => ({ id, current: id === history.currentKeyId }));
  } catch (error) {
    historyProblem = error instanceof Error ? error.message : String(error);
  }
  if (options.json) {
    console.log(
      JSON.stringify({ dir, orgKeys, historyKeys, consumerKeys, ...(historyProblem ? { historyProblem } : {}) }),
    );
    return;
  }
  const mark = (current: boolean): string => (current ? '*' : ' ');
  console.log(
    [
      `keys in ${dir} (* = current: seals new boxes, encrypts new history)`,
      'organization keys:',
      ...orgKeys.map(
        (key) =>
          `  ${mark(key.current)} ${key.keyId}  public key ${key.publicKey}  ${key.privateKey ? 'with private key' : 'public only'}`,
      ),
      'history keys:',
      ...(historyProblem
        ? [`    none usable: ${historyProblem}`]
        : historyKeys.map((k) => `  ${mark(k.current)} ${k.id}`)),
      'consumer keys (access tokens are sealed to the current one):',
      ...(consumerKeys.length === 0
        ? ['    none: run `chainkeeper keys init` to add one (workers need it)']
        : consumerKeys.map(
            (k) => `  ${mark(k.current)} ${k.keyId}  ${k.privateKey ? 'with private key' : 'public only'}`,
          )),
    ].join('\n'),
  );
}

export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .description('create, rotate and show the organization, history and consumer keys (CHAINKEEPER_KEYS_DIR)');
  const dirOption = ['--dir <dir>', 'key directory instead of CHAINKEEPER_KEYS_DIR'] as const;
  const jsonOption = ['--json', 'print JSON'] as const;
  keys
    .command('init')
    .description(
      'create the organization key pair, a history key and the consumer key pair; refuses when keys exist, ' +
        'except that a directory without a consumer key gets one',
    )
    .option(...dirOption)
    .option('--consumer-dir <dir>', 'put the consumer private key there (for consumer hosts) instead of in --dir')
    .option(...jsonOption)
    .action(init);
  keys
    .command('rotate')
    .description(
      'add a new organization key and history key and make them current; old keys stay (consumer keys are left as they are)',
    )
    .option(...dirOption)
    .option(...jsonOption)
    .action(rotate);
  keys
    .command('show')
    .description('print the key ids, the public keys and which keys are current (never a private key)')
    .option(...dirOption)
    .option(...jsonOption)
    .action(show);
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { ConsumerEntry } from './consumer-tokens';
import { ProxyError } from './errors';

/** A consumer the proxy recognised by its bearer token. */
export interface Consumer {
  name: string;
  aliases: ReadonlySet<string> | 'all';
}

export interface ConsumerDirectory {
  /** The consumer whose token the `Authorization` header carries; a ProxyError 401 otherwise. */
  authenticate(authorization: string | undefined): Consumer;
  /** A ProxyError 403 unless `consumer` may use `alias`. */
  checkAlias(consumer: Consumer, alias: string): void;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Recognises consumers by token in constant time: tokens are compared as SHA-256 digests (equal lengths) with
 * timingSafeEqual, against every entry without stopping early, so timing tells nothing about any token.
 */
export function createConsumerDirectory(entries: readonly ConsumerEntry[]): ConsumerDirectory {
  const known = entries.map((entry) => ({
    consumer: { name: entry.name, aliases: entry.aliases },
    digest: digest(entry.token),
  }));
  return {
    authenticate(authorization) {
      const presented = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
      if (presented === undefined) {
        throw new ProxyError(401, 'unauthorized', 'send your consumer token as "Authorization: Bearer <token>".');
      }
      const wanted = digest(presented);
      let found: Consumer | undefined;
      for (const entry of known) {
        if (timingSafeEqual(entry.digest, wanted)) found = entry.consumer;
      }
      if (!found) throw new ProxyError(401, 'unauthorized', 'this consumer token is not known to the proxy.');
      return found;
    },
    checkAlias(consumer, alias) {
      if (consumer.aliases === 'all' || consumer.aliases.has(alias)) return;
      throw new ProxyError(403, 'alias_not_allowed', `consumer "${consumer.name}" may not use container "${alias}".`);
    },
  };
}

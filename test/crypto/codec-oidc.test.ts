import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CodecServerConfigError,
  startCodecServer,
  type CodecServer,
  type CodecOidcOptions,
} from '../../src/crypto/codec-server';
import { generateHistoryKey } from '../../src/crypto/history-keys';
import { SodiumPayloadCodec } from '../../src/crypto/payload-codec';

const ISSUER = 'https://idp.example/realms/chainkeeper';
const AUDIENCE = 'temporal-ui';
const UI = 'https://temporal.example';
const BEARER = 'cli-bearer-token-0123456789abcdefghijklmnop';

/** An identity provider's JWKS endpoint on 127.0.0.1, serving the public keys it is given. */
async function serveJwks(keys: JWK[]): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`, server };
}

describe('the codec server in OIDC mode (the Web UI forwards its user access token)', () => {
  let signingKey: CryptoKey;
  let otherKey: CryptoKey;
  let jwks: { url: string; server: Server };
  let codecServer: CodecServer;

  const token = (
    claims: Record<string, unknown> = {},
    options: { key?: CryptoKey; expiresIn?: string | number; kid?: string } = {},
  ): Promise<string> => {
    const jwt = new SignJWT({ sub: 'admin@example', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? 'idp-1' })
      .setIssuedAt()
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE);
    if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
    else jwt.setExpirationTime('5m');
    return jwt.sign(options.key ?? signingKey);
  };

  /** POST /decode as the Web UI sends it with TEMPORAL_CODEC_PASS_ACCESS_TOKEN. */
  const decode = (authorization?: string): Promise<Response> =>
    fetch(`${codecServer.url}/decode`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Namespace': 'default',
        Origin: UI,
        ...(authorization ? { Authorization: authorization } : {}),
      },
      body: JSON.stringify({ payloads: [] }),
    });

  const refusal = async (response: Response): Promise<string> => {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    return ((await response.json()) as { error: string }).error;
  };

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    signingKey = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
    jwks = await serveJwks([jwk]);
    const key = await generateHistoryKey();
    codecServer = await startCodecServer({
      codec: await SodiumPayloadCodec.create({ currentKeyId: key.id, keys: new Map([[key.id, key.key]]) }),
      // Beyond loopback: allowed because requests must authenticate.
      host: '0.0.0.0',
      allowedOrigins: [UI],
      authToken: BEARER,
      oidc: { jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE },
    });
    codecServer = { ...codecServer, url: codecServer.url.replace('0.0.0.0', '127.0.0.1') };
  });
  afterAll(async () => {
    await codecServer?.close();
    await new Promise((resolve) => jwks?.server.close(resolve));
  });

  it('decodes for a token signed by the identity provider for this audience', async () => {
    const response = await decode(`Bearer ${await token()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI);
    expect(await response.json()).toEqual({ payloads: [] });
  });

  it('still takes the static bearer token of the CLI', async () => {
    expect((await decode(`Bearer ${BEARER}`)).status).toBe(200);
  });

  it('refuses a token of another issuer', async () => {
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
      .setIssuer('https://evil.example')
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(signingKey);
    expect(await refusal(await decode(`Bearer ${jwt}`))).toBe('the access token was issued by another issuer');
  });

  it('refuses a token for another audience', async () => {
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
      .setIssuer(ISSUER)
      .setAudience('some-other-app')
      .setExpirationTime('5m')
      .sign(signingKey);
    expect(await refusal(await decode(`Bearer ${jwt}`))).toBe('the access token is for another audience');
  });

  it('refuses an expired token, and one without an expiry', async () => {
    const expired = await token({}, { expiresIn: Math.floor(Date.now() / 1000) - 3600 });
    expect(await refusal(await decode(`Bearer ${expired}`))).toBe('the access token has expired');
    const forever = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(signingKey);
    expect(await refusal(await decode(`Bearer ${forever}`))).toBe('the access token has no expiry');
  });

  it('refuses an unsigned token (alg "none")', async () => {
    const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'admin@example', exp: Math.floor(Date.now() / 1000) + 300 };
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
    expect(await refusal(await decode(`Bearer ${unsigned}`))).toBe(
      'the access token is not signed with an accepted algorithm',
    );
  });

  it("refuses a token signed by a key that is not the identity provider's", async () => {
    const forged = await token({}, { key: otherKey });
    expect(await refusal(await decode(`Bearer ${forged}`))).toBe(
      "the access token's signature does not verify with the identity provider's keys",
    );
  });

  it('refuses a request without a token, or with something that is no JWT', async () => {
    expect(await refusal(await decode())).toBe('missing Authorization: Bearer token');
    expect(await refusal(await decode('Bearer not-a-jwt-and-not-the-bearer'))).toBe(
      'the bearer token is not a signed JWT',
    );
  });

  it('answers 503 when the identity provider cannot be reached, and says so', async () => {
    const key = await generateHistoryKey();
    const errors: unknown[] = [];
    const unreachable = await startCodecServer({
      codec: await SodiumPayloadCodec.create({ currentKeyId: key.id, keys: new Map([[key.id, key.key]]) }),
      oidc: { jwksUrl: 'http://127.0.0.1:9/jwks', issuer: ISSUER, audience: AUDIENCE },
      onError: (error) => errors.push(error),
    });
    try {
      const response = await fetch(`${unreachable.url}/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await token()}` },
        body: JSON.stringify({ payloads: [] }),
      });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: string }).error).toMatch(/cannot fetch the identity provider's keys/);
      expect(errors).toHaveLength(1);
    } finally {
      await unreachable.close();
    }
  });

  it.each<[string, CodecOidcOptions, RegExp]>([
    [
      'a JWKS over plain http to another host',
      { jwksUrl: 'http://idp.example/jwks', issuer: ISSUER, audience: AUDIENCE },
      /must be https/,
    ],
    ['no audience', { jwksUrl: 'https://idp.example/jwks', issuer: ISSUER, audience: ' ' }, /issuer and an audience/],
  ])('refuses to start with %s', async (_what, oidc, message) => {
    const key = await generateHistoryKey();
    const codec = await SodiumPayloadCodec.create({ currentKeyId: key.id, keys: new Map([[key.id, key.key]]) });
    const error = await startCodecServer({ codec, oidc }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CodecServerConfigError);
    expect((error as Error).message).toMatch(message);
  });
});

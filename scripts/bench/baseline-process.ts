/**
 * The baseline of the capacity figure: what a user could write instead of chainkeeper — a plain Node loop per
 * chain with undici, refreshing on the same schedule and making the same /Me call, and nothing else (no journal,
 * no durable timer, no encryption, no retry policy). Chains arrive from the parent over IPC, never in argv or env.
 */
import { request } from 'undici';

interface AddChains {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  intervalMs: number;
  refreshTokens: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function keepChain(chains: AddChains, firstRefreshToken: string): Promise<void> {
  let refreshToken = firstRefreshToken;
  let receivedAt = performance.now();
  for (;;) {
    await sleep(Math.max(0, receivedAt + chains.intervalMs - performance.now()));
    const form = new URLSearchParams({
      refresh_token: refreshToken,
      grant_type: 'refresh_token',
      client_id: chains.clientId,
      client_secret: chains.clientSecret,
    });
    const token = await request(`${chains.baseUrl}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    const body = (await token.body.json()) as { access_token?: string; refresh_token?: string };
    // A refused refresh ends this chain's loop: the parent sees it in the simulator's counters.
    if (token.statusCode !== 200 || !body.access_token || !body.refresh_token) return;
    receivedAt = performance.now();
    refreshToken = body.refresh_token;
    const me = await request(`${chains.baseUrl}/api/v1/current/Me?$select=UserID,UserName,FullName,CurrentDivision`, {
      headers: { authorization: `Bearer ${body.access_token}`, accept: 'application/json' },
    });
    await me.body.json();
  }
}

process.on('message', (message: AddChains) => {
  for (const refreshToken of message.refreshTokens) {
    keepChain(message, refreshToken).catch(() => undefined);
  }
  process.send?.({ added: message.refreshTokens.length });
});
process.on('disconnect', () => process.exit(0));

import { createSimulator } from './src/simulator';
import { buildAuthorizationUrl, createTokenClient } from './src/exact';
import { loginAndAuthorize, LoginFailedError } from './src/browser';
const redirectUri = 'http://127.0.0.1:18871/cb';
for (const variant of ['legacy', 'b2c'] as const) {
  const sim = createSimulator({ loginVariant: variant });
  const { baseUrl } = await sim.start();
  const app = sim.control.addApp({ redirectUri });
  const user = sim.control.addUser({ username: 'jan@example.nl', password: 'Sterk-Wachtwoord-7', totpSecret: 'KRUGS4ZANFZSAYLO' });
  const url = buildAuthorizationUrl({ baseUrl, clientId: app.clientId, redirectUri, state: 'st' });
  const profile = variant === 'legacy' ? 'legacyExact' : 'b2c';
  const r = await loginAndAuthorize({ authorizationUrl: url, redirectUri, credentials: { username: user.username, password: user.password, totpSecret: 'KRUGS4ZANFZSAYLO' }, profile });
  console.log(variant, r.state, r.totpStep, r.durationMs, r.code.length);
  const tc = createTokenClient({ baseUrl, clientId: app.clientId, clientSecret: app.clientSecret, redirectUri });
  console.log((await tc.exchangeCode(r.code)).kind);
  try { await loginAndAuthorize({ authorizationUrl: url, redirectUri, credentials: { username: user.username, password: 'wrong-pass', totpSecret: 'KRUGS4ZANFZSAYLO' }, profile, screenshotDir: '/tmp/ck-shots' }); }
  catch (e) { console.log(e instanceof LoginFailedError ? e.toFailure() : e, (e as Error).message); }
  try { await loginAndAuthorize({ authorizationUrl: url, redirectUri, credentials: { username: user.username, password: user.password, totpSecret: 'JBSWY3DPEHPK3PXP' }, profile, screenshotDir: '/tmp/ck-shots' }); }
  catch (e) { console.log(e instanceof LoginFailedError ? e.toFailure() : e, (e as Error).message); }
  console.log(sim.control.counters().logins.map(l => `${l.step}:${l.ok}`).join(' '));
  await sim.stop();
}

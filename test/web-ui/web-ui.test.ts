/**
 * The Temporal Web UI of `npm start`, driven in headless Chromium the way an admin uses it: find the demo
 * containers by ChainStatus, read a container's current details, send `refreshNow` from the signal dialog and
 * watch the next refresh arrive. Along the way it records whether the UI sends dialog input through the codec
 * server's `/encode` and what Temporal stores, which is what the README tells admins about typing secrets.
 * Screenshots of each step land in test-results/web-ui/.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawHistory, decodeThroughCodec, type StoredInput } from './raw-history';
import { startWebUiStack, type WebUiStack } from './stack';
import { UiTraffic } from './ui-traffic';
import {
  configureListColumns,
  fillSignalDialog,
  fillUpdateDialog,
  launchChromium,
  listCell,
  loopbackContext,
  readCurrentDetails,
  renderedMarkdown,
  screenshot,
  startWorkflowFromUi,
  workflowsUrl,
  workflowUrl,
  type CurrentDetails,
} from './web-ui-pages';

// Exact's rules at 1/50 of real time: the 570 s rule becomes 11.4 s, so a refresh comes every ~12.5 s.
const TIME_SCALE = 0.02;
const DEMO_IDS = ['container/demo-1', 'container/demo-2', 'container/demo-3'];

let stack: WebUiStack;
let history: RawHistory;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let traffic: UiTraffic;

beforeAll(async () => {
  stack = await startWebUiStack(TIME_SCALE);
  history = await RawHistory.connect(stack.temporalAddress);
  browser = await launchChromium();
  context = await loopbackContext(browser);
  traffic = new UiTraffic(context, stack.codecUrl, stack.uiUrl);
  page = await context.newPage();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await history?.close();
  await stack?.stop();
});

async function lastInput(workflowId: string, kind: StoredInput['kind'], name: string): Promise<StoredInput> {
  const input = (await history.inputs(workflowId)).filter((i) => i.kind === kind && i.name === name).at(-1);
  if (!input) throw new Error(`no ${kind} ${name} in the history of ${workflowId}`);
  return input;
}

/** The current details once they read healthy: a refresh shows `refreshing` for a moment every ~12.5 s. */
async function healthyDetails(workflowId: string): Promise<CurrentDetails> {
  let details: CurrentDetails | undefined;
  await expect
    .poll(
      async () => {
        details = await readCurrentDetails(page, stack.uiUrl, workflowId);
        return details.status;
      },
      { timeout: 30_000, interval: 500 },
    )
    .toBe('healthy');
  return details!;
}

describe('the Temporal Web UI of npm start', () => {
  it('lists the demo containers with their ChainStatus and filters on it', async () => {
    await page.goto(workflowsUrl(stack.uiUrl));
    await page.getByRole('link', { name: 'container/demo-1', exact: true }).waitFor();
    // Room for the search attributes, so the screenshot shows them next to the workflow IDs.
    await configureListColumns(page, { remove: ['Run ID', 'End'], add: ['ChainStatus', 'CredentialsExpireAt'] });
    // Each refresh shows `refreshing` for a moment; every container settles back to healthy.
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return Promise.all(DEMO_IDS.map((id) => listCell(page, id, 'ChainStatus')));
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toEqual(['healthy', 'healthy', 'healthy']);
    // Only demo-3 holds login credentials, so only its row has a deletion date.
    expect(await listCell(page, 'container/demo-3', 'CredentialsExpireAt')).toMatch(/\d{4}/);
    expect(await listCell(page, 'container/demo-1', 'CredentialsExpireAt')).toBe('');
    await screenshot(page, '01-workflows-with-chainstatus');

    await page.goto(workflowsUrl(stack.uiUrl, 'ChainStatus="healthy"'));
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          const listed = await Promise.all(DEMO_IDS.map((id) => listCell(page, id, 'ChainStatus')));
          return listed.filter((status) => status === 'healthy').length;
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe(3);
    await screenshot(page, '02-filtered-chainstatus-healthy');
  }, 90_000);

  it('opens demo-1 and shows its input, summary and current details decoded through the codec server', async () => {
    const decodesBefore = traffic.of('decode').length;
    await page.goto(workflowsUrl(stack.uiUrl));
    await page.getByRole('link', { name: 'container/demo-1', exact: true }).click();
    const input = page.getByRole('textbox', { name: 'Input' });
    await expect.poll(() => input.innerText(), { timeout: 20_000 }).toContain('"alias": "demo-1"');
    await screenshot(page, '03-demo-1-input-decoded');

    const details = await healthyDetails('container/demo-1');
    expect(details.headline).toMatch(/^Healthy: next refresh \d{4}-\d\d-\d\dT.*Nothing to do\.$/);
    expect(await renderedMarkdown(page, /Demo container demo-1 on the Exact Online simulator/)).toBeDefined();
    await screenshot(page, '04-demo-1-current-details');

    // Input, summary and details are stored encrypted; the browser had the codec server decode them.
    const decodes = traffic.of('decode').slice(decodesBefore);
    expect(decodes.length).toBeGreaterThan(0);
    // The timeline refreshes itself, so a last decode may still be under way: judge the answered ones.
    expect(decodes.filter((call) => call.status !== undefined && call.status !== 200)).toEqual([]);
    expect(decodes.flatMap((call) => call.payloads.map((p) => p.encoding))).toContain('binary/encrypted');
    console.log(`web UI: ${decodes.length} payload decodes through ${stack.codecUrl}/decode, none refused`);
  }, 60_000);

  it('sends refreshNow from the signal dialog through /encode, and the current details show the next refresh', async () => {
    const before = await healthyDetails('container/demo-1');
    const probe = `web-ui-signal-${randomUUID()}`;
    const dialog = await fillSignalDialog(page, 'refreshNow', JSON.stringify({ note: probe }));
    await screenshot(page, '05-signal-dialog-refreshNow');
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/signal/refreshNow') && r.status() === 200),
      dialog.getByRole('button', { name: 'Submit' }).click(),
    ]);
    await page.getByText('Workflow signaled.').first().waitFor();
    await screenshot(page, '06-workflow-signaled');

    // The UI encoded the input through the codec server before it sent the signal, so only ciphertext left it.
    const encodeAt = traffic.indexOf('encode', probe);
    const signal = traffic.of('signal').at(-1)!;
    expect(encodeAt).toBeGreaterThanOrEqual(0);
    expect(traffic.calls.indexOf(signal)).toBeGreaterThan(encodeAt);
    expect(signal.payloads.map((p) => p.encoding)).toEqual(['binary/encrypted']);
    expect(signal.payloads[0]!.data).not.toContain(probe);
    const stored = await lastInput('container/demo-1', 'signal', 'refreshNow');
    expect(stored.encoding).toBe('binary/encrypted');
    expect(await history.contains('container/demo-1', probe)).toBe(false);
    expect(JSON.parse(await decodeThroughCodec(stack.codecUrl, stored.payload))).toEqual({ note: probe });
    console.log(
      'codec finding (signal): the Web UI 2.54.1 sent the signal input through /encode first; ' +
        `history holds it as ${stored.encoding}`,
    );

    let after: CurrentDetails | undefined;
    await expect
      .poll(
        async () => {
          after = await readCurrentDetails(page, stack.uiUrl, 'container/demo-1');
          return after.status === 'healthy' && after.refreshes > before.refreshes;
        },
        { timeout: 40_000, interval: 1_000 },
      )
      .toBe(true);
    expect(after!.generation).toBeGreaterThan(before.generation);
    expect(after!.lastRefresh > before.lastRefresh).toBe(true);
    expect(after!.headline).not.toBe(before.headline);
    await screenshot(page, '07-current-details-after-refresh');
    console.log(
      `web UI: demo-1 went from generation ${before.generation} (${before.refreshes} refreshes) ` +
        `to ${after!.generation} (${after!.refreshes}); "${after!.headline}"`,
    );
  }, 90_000);

  it('sends renewAuthorization input through /encode, so a code typed into the update dialog is encrypted in history', async () => {
    await page.goto(workflowUrl(stack.uiUrl, 'container/demo-2'));
    // Shaped like a code, but unknown to Exact: the renewal is refused and demo-2 keeps its chain.
    const probe = `webuiprobe${randomUUID().replaceAll('-', '')}`;
    const dialog = await fillUpdateDialog(page, 'renewAuthorization', JSON.stringify({ code: probe }));
    await screenshot(page, '08-update-dialog-renewAuthorization');
    await Promise.all([
      page.waitForResponse((r) => r.url().includes('/update/renewAuthorization')),
      dialog.getByRole('button', { name: 'Submit' }).click(),
    ]);
    // The refusal's message is encrypted too, and the UI 2.54.1 does not decode an update's failure.
    await dialog.getByText('Encoded failure').waitFor();
    await screenshot(page, '09-update-refused-encoded-failure');

    const encodeAt = traffic.indexOf('encode', probe);
    const update = traffic.of('update').at(-1)!;
    expect(encodeAt).toBeGreaterThanOrEqual(0);
    expect(traffic.calls.indexOf(update)).toBeGreaterThan(encodeAt);
    expect(update.payloads.map((p) => p.encoding)).toEqual(['binary/encrypted']);
    const stored = await lastInput('container/demo-2', 'update', 'renewAuthorization');
    expect(stored.encoding).toBe('binary/encrypted');
    expect(await history.contains('container/demo-2', probe)).toBe(false);
    expect(JSON.parse(await decodeThroughCodec(stack.codecUrl, stored.payload))).toEqual({ code: probe });
    console.log(
      'codec finding (update): the Web UI 2.54.1 sent the update input through /encode first; ' +
        `history holds it as ${stored.encoding}; a refused update shows only "Encoded failure"`,
    );
    await dialog.getByRole('button', { name: 'Cancel' }).first().click();
  }, 60_000);

  it('fails a dataContainer started from the Start Workflow page with bad input at once, naming the fields', async () => {
    // Anyone with the UI can start a container with any input: an unknown host and an option out of range.
    const workflowId = `container/web-ui-bad-input-${randomUUID().slice(0, 8)}`;
    const input = { alias: workflowId.slice('container/'.length), exact: { host: 'zz' }, options: { cyclesPerRun: 5 } };
    await startWorkflowFromUi(page, stack.uiUrl, {
      workflowId,
      // npm start's worker polls the default task queue.
      taskQueue: 'chainkeeper',
      workflowType: 'dataContainer',
      input: JSON.stringify(input),
    });
    await screenshot(page, '12-start-workflow-bad-input');
    expect(traffic.indexOf('encode', '"cyclesPerRun"')).toBeGreaterThanOrEqual(0);

    await page.goto(workflowUrl(stack.uiUrl, workflowId));
    // The run failed in its first workflow task (nothing loops); the UI decodes the failure through the codec server.
    await page
      .getByText(/^failed$/i)
      .first()
      .waitFor();
    const result = page.getByText(/dataContainer cannot start with this input/).first();
    await result.waitFor();
    const message = await result.innerText();
    expect(message).toMatch(
      /exact\.host \\?"zz\\?" is not a host this worker knows: use one of nl, be, de, uk, com, us, fr, es, simulator/,
    );
    expect(message).toMatch(
      /options\.cyclesPerRun must be a whole number from 10 to 1000, e\.g\. \\?"cyclesPerRun\\?": 100/,
    );
    await screenshot(page, '13-bad-input-failure-names-the-fields');
    console.log(
      'web UI: a Start Workflow with bad input failed at once, the failure naming exact.host and options.cyclesPerRun',
    );
  }, 60_000);

  it('refuses to send a signal when the codec server cannot encode its input', async () => {
    const offline = await loopbackContext(browser);
    try {
      const seen = new UiTraffic(offline, stack.codecUrl, stack.uiUrl);
      await offline.route(`${stack.codecUrl}/encode**`, (route) => route.abort('connectionrefused'));
      const tab = await offline.newPage();
      await tab.goto(workflowUrl(stack.uiUrl, 'container/demo-3'));
      const probe = `web-ui-offline-${randomUUID()}`;
      const dialog = await fillSignalDialog(tab, 'refreshNow', JSON.stringify({ note: probe }));
      await dialog.getByRole('button', { name: 'Submit' }).click();
      await dialog.getByText('An unknown error occurred.').waitFor();
      await screenshot(tab, '10-codec-down-signal-refused');

      expect(seen.of('encode').length).toBeGreaterThan(0);
      expect(seen.of('signal')).toEqual([]);
      expect(await history.contains('container/demo-3', probe)).toBe(false);
      console.log('codec finding (codec down): the Web UI shows an error and sends nothing when /encode fails');
    } finally {
      await offline.close();
    }
  }, 60_000);

  it('sends signal input as plain JSON into history when the UI has no codec endpoint', async () => {
    const plain = await loopbackContext(browser);
    try {
      const seen = new UiTraffic(plain, stack.codecUrl, stack.uiUrl);
      // As a Web UI started without --ui-codec-endpoint (or with it removed in the browser) would behave.
      await plain.route(`${stack.uiUrl}/api/v1/settings**`, async (route) => {
        const response = await route.fetch();
        const settings = (await response.json()) as { Codec: { Endpoint: string } };
        await route.fulfill({ response, json: { ...settings, Codec: { ...settings.Codec, Endpoint: '' } } });
      });
      const tab = await plain.newPage();
      await tab.goto(workflowUrl(stack.uiUrl, 'container/demo-3'));
      // Without the codec server the UI shows the stored ciphertext, not the input.
      const input = tab.getByRole('textbox', { name: 'Input' });
      await expect.poll(() => input.innerText(), { timeout: 20_000 }).not.toBe('');
      expect(await input.innerText()).not.toContain('"alias"');

      const probe = `web-ui-plain-${randomUUID()}`;
      const dialog = await fillSignalDialog(tab, 'refreshNow', JSON.stringify({ note: probe }));
      await Promise.all([
        tab.waitForResponse((r) => r.url().includes('/signal/refreshNow') && r.status() === 200),
        dialog.getByRole('button', { name: 'Submit' }).click(),
      ]);
      await tab.getByText('Workflow signaled.').first().waitFor();
      await tab.getByRole('tab', { name: /Event History/ }).click();
      await tab.getByRole('row').filter({ hasText: 'Workflow Execution Signaled' }).first().click();
      await tab.getByText(probe).filter({ visible: true }).first().waitFor();
      await screenshot(tab, '11-no-codec-signal-input-readable-in-history');

      expect(seen.of('encode')).toEqual([]);
      expect(seen.of('signal').at(-1)?.payloads).toEqual([
        { encoding: 'json/plain', data: JSON.stringify({ note: probe }) },
      ]);
      const stored = await lastInput('container/demo-3', 'signal', 'refreshNow');
      expect(stored.encoding).toBe('json/plain');
      expect(await history.contains('container/demo-3', probe)).toBe(true);
      console.log('codec finding (no codec endpoint): the signal input lands in history as json/plain, readable');
    } finally {
      await plain.close();
    }
  }, 60_000);
});

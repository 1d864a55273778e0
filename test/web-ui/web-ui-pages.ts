import { CHROMIUM_ARGS } from '../../src/browser';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { chromiumPath, PROJECT_ROOT } from '../../src/temporal/tools';

/*
 * What an admin does in the Temporal Web UI 2.54 (the one `temporal server start-dev` of CLI 1.9.1 serves),
 * by role and visible text, so the test reads like the clicks it makes.
 */

export const SCREENSHOT_DIR = join(PROJECT_ROOT, 'test-results', 'web-ui');

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS],
  });
}

/** A browser context that reaches loopback only (the UI fetches a news feed from temporal.io otherwise). */
export async function loopbackContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  context.setDefaultTimeout(20_000);
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort('blockedbyclient'),
  );
  return context;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

export function workflowsUrl(uiUrl: string, query?: string): string {
  const base = `${uiUrl}/namespaces/default/workflows`;
  return query === undefined ? base : `${base}?query=${encodeURIComponent(query)}`;
}

export function workflowUrl(uiUrl: string, workflowId: string): string {
  return `${workflowsUrl(uiUrl)}/${encodeURIComponent(workflowId)}`;
}

/** Changes the workflow list's columns through its "Configure Columns" drawer (the browser keeps the choice). */
export async function configureListColumns(page: Page, change: { add: string[]; remove: string[] }): Promise<void> {
  await page.getByRole('button', { name: 'Configure Columns' }).click();
  for (const name of change.remove) await page.getByRole('button', { name: `Remove ${name} column` }).click();
  for (const name of change.add) await page.getByRole('button', { name: `Add ${name} column` }).click();
  await page.getByRole('button', { name: 'Close Workflows Table configuration' }).click();
}

/** The value of `column` in the list row of `workflowId`, or undefined while the row is not listed. */
export async function listCell(page: Page, workflowId: string, column: string): Promise<string | undefined> {
  const table = page.getByRole('table', { name: 'Workflows' });
  const headers = await table.getByRole('columnheader').allInnerTexts();
  const index = headers.findIndex((header) => header.trim() === column);
  if (index < 0) throw new Error(`the workflow list has no column ${column} (columns: ${headers.join(', ')})`);
  const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: workflowId, exact: true }) });
  if ((await row.count()) === 0) return undefined;
  return (await row.getByRole('cell').nth(index).innerText()).trim();
}

/**
 * Text of the rendered markdown (summary or current details) matching `pattern`. The UI renders user metadata
 * in iframes loaded from its `/render` endpoint, one per field.
 */
export async function renderedMarkdown(page: Page, pattern: RegExp): Promise<string | undefined> {
  for (const frame of page.frames()) {
    // A frame that has not navigated yet has an empty URL.
    if (frame === page.mainFrame() || !frame.url().includes('/render?')) continue;
    const text = await frame
      .locator('body')
      .innerText({ timeout: 2_000 })
      .catch(() => '');
    if (pattern.test(text)) return text;
  }
  return undefined;
}

/** The facts of a container's current details (workflows/container/details.ts) that change with a refresh. */
export interface CurrentDetails {
  text: string;
  headline: string;
  status: string;
  generation: number;
  lastRefresh: string;
  refreshes: number;
}

export function parseCurrentDetails(text: string): CurrentDetails | undefined {
  const headline = text.trim().split('\n')[0]?.trim() ?? '';
  const status = /^Status\s+(\S+)/m.exec(text)?.[1];
  const generation = /^Chain \/ generation\s+\d+ \/ (\d+)/m.exec(text)?.[1];
  const lastRefresh = /^Last refresh\s+(\S+)/m.exec(text)?.[1];
  const refreshes = /^Refreshes \/ failures \/ runs\s+(\d+) \//m.exec(text)?.[1];
  if (!status || !generation || !lastRefresh || !refreshes) return undefined;
  return { text, headline, status, generation: Number(generation), lastRefresh, refreshes: Number(refreshes) };
}

/** Opens the workflow's "User Metadata" tab (fresh from the server) and reads its current details. */
export async function readCurrentDetails(page: Page, uiUrl: string, workflowId: string): Promise<CurrentDetails> {
  await page.goto(workflowUrl(uiUrl, workflowId));
  await page.getByRole('tab', { name: 'User Metadata' }).click();
  await page.getByRole('heading', { name: 'Current Details' }).waitFor();
  const deadline = Date.now() + 15_000;
  for (;;) {
    const details = parseCurrentDetails((await renderedMarkdown(page, /Refreshes \/ failures \/ runs/)) ?? '');
    if (details) return details;
    if (Date.now() > deadline) throw new Error(`no current details for ${workflowId} rendered within 15 s`);
    await page.waitForTimeout(250);
  }
}

async function openActionDialog(page: Page, action: 'Send a Signal' | 'Send an Update'): Promise<Locator> {
  await page.getByRole('button', { name: 'More Actions' }).click();
  await page.getByRole('menuitem', { name: action }).click();
  const dialog = page.getByRole('dialog', { name: action });
  await dialog.waitFor();
  return dialog;
}

/**
 * Fills the "Send a Signal" dialog. The name is picked from the list the UI reads from the workflow (through
 * the codec server); a UI that cannot decode that list shows a plain text box for the name instead.
 */
export async function fillSignalDialog(page: Page, name: string, data: string): Promise<Locator> {
  const dialog = await openActionDialog(page, 'Send a Signal');
  const picker = dialog.getByRole('button', { name: 'Select a signal' });
  if (await picker.isVisible()) {
    await picker.click();
    await dialog.getByRole('option', { name, exact: true }).click();
  } else {
    await dialog.getByRole('textbox').first().fill(name);
  }
  await dialog.getByRole('textbox', { name: 'Data' }).fill(data);
  return dialog;
}

export async function fillUpdateDialog(page: Page, name: string, data: string): Promise<Locator> {
  const dialog = await openActionDialog(page, 'Send an Update');
  await dialog.getByRole('button', { name: 'Select an Update' }).click();
  await dialog.getByRole('option', { name, exact: true }).click();
  await dialog.getByRole('textbox', { name: 'Data' }).fill(data);
  return dialog;
}

/**
 * Starts a workflow from the UI's Start Workflow page, as anyone with access to the UI can: ID, task queue, type
 * and one JSON input. The input editor takes the text once it loses focus; the UI sends it through the codec
 * server's `/encode` before it starts the workflow.
 */
export async function startWorkflowFromUi(
  page: Page,
  uiUrl: string,
  start: { workflowId: string; taskQueue: string; workflowType: string; input: string },
): Promise<void> {
  await page.goto(`${uiUrl}/namespaces/default/workflows/start-workflow`);
  await page.locator('#workflowId').fill(start.workflowId);
  await page.locator('#taskQueue').fill(start.taskQueue);
  await page.locator('#workflowType').fill(start.workflowType);
  const data = page.getByRole('textbox', { name: 'Data' });
  await data.click();
  await data.fill(start.input);
  await data.press('Tab');
  await Promise.all([
    page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().includes(`/workflows/${encodeURIComponent(start.workflowId)}`),
    ),
    page.getByRole('button', { name: 'Start Workflow' }).click(),
  ]);
}

/**
 * The screenshot an admin gets with a failed login. Every input is blanked first, and no screenshot is taken
 * when that did not work; the file name says when, where and why, never who.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { LoginFailureReason, LoginStep } from './errors';
import { blankInputs } from './page-reading';

/** Evidence must not hold up the failure report for long. */
const SCREENSHOT_TIMEOUT_MS = 5000;
/** A page still waiting for its document cannot be blanked (or shown) until it arrives; it is not waited for. */
const BLANKING_TIMEOUT_MS = 2000;

/** Resolves true when every input was blanked within the time, false otherwise. */
async function blankedInTime(page: Page): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), BLANKING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([blankInputs(page), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Saves a PNG of `page` in `dir` and returns its path; undefined when no safe screenshot could be taken. */
export async function saveFailureScreenshot(
  page: Page,
  dir: string,
  step: LoginStep,
  reason: LoginFailureReason,
): Promise<string | undefined> {
  try {
    if (page.isClosed() || !(await blankedInTime(page))) return undefined;
    await mkdir(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const path = join(dir, `login-failed-${stamp}-${step}-${reason}-${randomBytes(3).toString('hex')}.png`);
    await page.screenshot({ path, fullPage: true, timeout: SCREENSHOT_TIMEOUT_MS });
    return path;
  } catch {
    // A crashed browser or an unwritable folder: the failure is still reported, without the picture.
    return undefined;
  }
}

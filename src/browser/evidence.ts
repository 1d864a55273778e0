/**
 * The screenshot an admin gets with a failed login. The driver blanks every input first and takes none when
 * that did not work; the file name says when, where and why, never who.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoginFailureReason, LoginStep } from './errors';
import type { LoginPage } from './page-driver';

/** Saves a PNG of `page` in `dir` and returns its path; undefined when no safe screenshot could be taken. */
export async function saveFailureScreenshot(
  page: LoginPage,
  dir: string,
  step: LoginStep,
  reason: LoginFailureReason,
): Promise<string | undefined> {
  try {
    await mkdir(dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const path = join(dir, `login-failed-${stamp}-${step}-${reason}-${randomBytes(3).toString('hex')}.png`);
    return (await page.screenshot(path)) ? path : undefined;
  } catch {
    // An unwritable folder: the failure is still reported, without the picture.
    return undefined;
  }
}

/**
 * One static page behind the fast page driver: open it, read it with the `auto` plan, fill what was found and
 * submit it, then see what the server received.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Deadline,
  readingPlan,
  readingSpec,
  type DomReading,
  type LoginPage,
  type LoginPageFactory,
  type ReadingSpec,
} from '../../../src/browser';
import { httpPageDriver } from '../../support/http-page-driver';
import type { FixtureSite, SiteRequest } from './fixture-site';

export interface OpenFixture {
  page: LoginPage;
  spec: ReadingSpec;
  reading: DomReading;
  /** Fills every found field (a code field gets `code`, digit by digit) and submits; resolves with the POST. */
  submit: (values?: Partial<Record<'username' | 'password' | 'totpCode', string>>) => Promise<SiteRequest | undefined>;
}

export const FILLED = { username: 'jan@example.nl', password: 'Sterk-Wachtwoord-7', totpCode: '123456' };

/** Serves `html` at `/page` of `site` (posts answered with a blank page) and reads it. */
export async function openFixture(
  site: FixtureSite,
  html: string,
  driver: LoginPageFactory = httpPageDriver(),
  spec: ReadingSpec = readingSpec(readingPlan('auto')),
): Promise<OpenFixture> {
  site.route({ '/page': (request) => (request.method === 'POST' ? { html: '<title>Posted</title>' } : { html }) });
  const page = await driver.open({
    redirectUri: `${site.origin}/callback`,
    deadline: new Deadline(20_000),
    onDocument: () => undefined,
  });
  await page.goto(`${site.origin}/page`);
  const reading = await page.read(spec);
  if (reading === undefined) throw new Error('the page could not be read');
  return {
    page,
    spec,
    reading,
    async submit(values = FILLED) {
      const found = reading.page;
      if (found === null) throw new Error('nothing to submit on an unrecognised page');
      const before = site.posts().length;
      for (const field of found.fields) {
        const value = { ...FILLED, ...values }[field.value];
        await page.fill(field.ref, field.digit === undefined ? value : value.charAt(field.digit));
      }
      const last = found.fields.at(-1);
      if (found.submit !== null) await page.click(found.submit);
      else if (last !== undefined) await page.pressEnter(last.ref);
      // Chromium's click may return before its post arrives; the fast driver's never does.
      for (let waited = 0; site.posts().length === before && waited < 5000; waited += 50) await sleep(50);
      return site.posts()[before];
    },
  };
}

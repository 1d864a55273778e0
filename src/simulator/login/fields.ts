/**
 * The names of the posted form fields, per look of a page: the renderers write them and the handlers read
 * them from this one table, so a page and its handler never disagree.
 */
import type { LoginSite } from './site-style';

export interface FormFields {
  username: string;
  password: string;
  totp: string;
}

/** start.exactonline.* (facts §3.1). */
const LEGACY: FormFields = {
  username: 'LoginForm$UserName',
  password: 'LoginForm$Password',
  totp: 'LoginForm$Input$Key',
};
/** login.exact.com (facts §3.2). */
const B2C: FormFields = { username: 'signInName', password: 'password', totp: 'totpVerificationCode' };
/** Names no native page uses, so a client must find the fields by what they are. */
const OTHER: FormFields = { username: 'login_identity', password: 'login_secret', totp: 'login_code' };

/** Which host a page is on: the start host, or (hybrid flow) the B2C host of another origin. */
export type LoginHost = 'start' | 'b2c';

/** The field names of a page of `site` served on `host`. */
export function fieldsFor(site: LoginSite, host: LoginHost): FormFields {
  if (site.markup === 'other') return OTHER;
  if (site.flow === 'b2c' || (site.flow === 'hybrid' && host === 'b2c')) return B2C;
  return LEGACY;
}

export const TOTP_DIGIT_COUNT = 6;

/** The name of the `position`th (1-based) of six one-digit code inputs. */
export function totpDigitName(totpField: string, position: number): string {
  return `${totpField}_${position}`;
}

/** The code as posted: one field, or six one-digit fields joined. */
export function readTotpCode(form: URLSearchParams, site: LoginSite, fields: FormFields): string {
  if (site.totpInputs === 'single') return (form.get(fields.totp) ?? '').trim();
  let code = '';
  for (let position = 1; position <= TOTP_DIGIT_COUNT; position++) {
    code += (form.get(totpDigitName(fields.totp, position)) ?? '').trim();
  }
  return code;
}

/**
 * What a generated login site looks like: one of Exact's three login flows, and knobs that make its pages
 * differ from the native ones the way real pages drift (other ids, another language, the refusal shown
 * elsewhere, one page instead of two, an extra question). Tests switch them at run time, so a client that only
 * knows the native ids fails where one that reads pages by meaning goes on.
 */
import { z } from 'zod';

export const LOGIN_FLOWS = ['legacy', 'b2c', 'hybrid'] as const;
/**
 * `legacy`: username, then password, on `/docs/Login.aspx`, then `/docs/TotpLogin.aspx` (facts §3.1).
 * `b2c`: One Exact Identity: username and password on one page, then the code (facts §3.2).
 * `hybrid`: today's Exact: the username on the start host, then password and code on a B2C host of another
 * origin, then consent back on the start host (facts §3.2).
 */
export type LoginFlow = (typeof LOGIN_FLOWS)[number];

export const LOGIN_LANGUAGES = ['en', 'nl', 'de'] as const;
export type LoginLanguage = (typeof LOGIN_LANGUAGES)[number];

/** How a login site's pages look; every knob is optional and defaults to the native pages. */
export interface LoginSiteStyle {
  /** Which login flow. @default the simulator's `loginVariant` */
  flow?: LoginFlow;
  /**
   * `other`: ids, names and classes unlike any native page, so only a client that reads the page by meaning
   * (input types, `autocomplete`, labels, button words) finds the fields. @default 'native'
   */
  markup?: 'native' | 'other';
  /** Labels, headings, buttons and refusals in this language. @default the native texts (Dutch labels, English refusals) */
  language?: LoginLanguage;
  /**
   * Where the refusal of a wrong password or code shows: the page's own error area (`native`), an element with
   * `role="alert"` and another id and class (`alert`), or a plain paragraph with no error semantics at all
   * (`unexpected`). The last two exist only after a failed submit. @default 'native'
   */
  errorPlacement?: 'native' | 'alert' | 'unexpected';
  /** Username and password on one page (legacy and hybrid flows; the b2c flow always asks both). @default false */
  usernameAndPasswordTogether?: boolean;
  /** A "Stay signed in?" page (Yes / No buttons, no fields) after the code, before consent. @default false */
  staySignedIn?: boolean;
  /** `other`: consent by a button with another id, class and label, beside a deny button. @default 'native' */
  consentButton?: 'native' | 'other';
  /** `six`: six one-digit inputs instead of one code field; the server joins them. @default 'single' */
  totpInputs?: 'single' | 'six';
}

export const loginSiteStyleSchema = z.strictObject({
  flow: z.enum(LOGIN_FLOWS).optional(),
  markup: z.enum(['native', 'other']).optional(),
  language: z.enum(LOGIN_LANGUAGES).optional(),
  errorPlacement: z.enum(['native', 'alert', 'unexpected']).optional(),
  usernameAndPasswordTogether: z.boolean().optional(),
  staySignedIn: z.boolean().optional(),
  consentButton: z.enum(['native', 'other']).optional(),
  totpInputs: z.enum(['single', 'six']).optional(),
}) satisfies z.ZodType<LoginSiteStyle>;

/** A style with every knob decided; a login keeps the site it started on until it ends. */
export interface LoginSite {
  flow: LoginFlow;
  markup: 'native' | 'other';
  /** Undefined: the native texts. */
  language: LoginLanguage | undefined;
  errorPlacement: 'native' | 'alert' | 'unexpected';
  /** True for the b2c flow whatever the style said: its one page always asks both. */
  usernameAndPasswordTogether: boolean;
  staySignedIn: boolean;
  consentButton: 'native' | 'other';
  totpInputs: 'single' | 'six';
}

export function resolveLoginSite(style: LoginSiteStyle, defaultFlow: LoginFlow): LoginSite {
  const flow = style.flow ?? defaultFlow;
  return {
    flow,
    markup: style.markup ?? 'native',
    language: style.language,
    errorPlacement: style.errorPlacement ?? 'native',
    usernameAndPasswordTogether: flow === 'b2c' || (style.usernameAndPasswordTogether ?? false),
    staySignedIn: style.staySignedIn ?? false,
    consentButton: style.consentButton ?? 'native',
    totpInputs: style.totpInputs ?? 'single',
  };
}

/** The site every login used before sites could be generated: only the flow chosen, every knob native. */
export function nativeSite(flow: LoginFlow): LoginSite {
  return resolveLoginSite({ flow }, flow);
}

import { ExactSettingsError } from './errors';

/**
 * Exact Online runs one stack per country; a token issued on one is unknown on the others
 * (facts §1.1). The keys are what an operator types.
 */
export const EXACT_HOSTS = Object.freeze({
  nl: 'https://start.exactonline.nl',
  be: 'https://start.exactonline.be',
  de: 'https://start.exactonline.de',
  uk: 'https://start.exactonline.co.uk',
  com: 'https://start.exactonline.com',
  us: 'https://start.exactonline.com',
  fr: 'https://start.exactonline.fr',
  es: 'https://start.exactonline.es',
});

export type ExactCountry = keyof typeof EXACT_HOSTS;

/**
 * The only origins whose pages may receive a username, password or TOTP code: each country's start host (the
 * legacy pages and today's user-name page) and One Exact Identity's Azure AD B2C site (facts §3.1, §3.2).
 */
export const EXACT_LOGIN_ORIGINS: readonly string[] = Object.freeze([
  ...new Set([...Object.values(EXACT_HOSTS).map((host) => new URL(host).origin), 'https://login.exact.com']),
]);

/** The same paths on every country stack (facts §1.1). */
export const EXACT_PATHS = Object.freeze({
  authorize: '/api/oauth2/auth',
  token: '/api/oauth2/token',
  me: '/api/v1/current/Me',
});

export interface BaseUrlChoice {
  /** One of {@link EXACT_HOSTS}' keys, case-insensitive. Give this or `baseUrl`, not both. */
  country?: string;
  /** An http(s) URL without query, fragment or credentials, e.g. a simulator's `http://127.0.0.1:8080`. */
  baseUrl?: string;
}

/** The base URL (no trailing slash) for a country or an explicit URL; throws {@link ExactSettingsError} on bad input. */
export function resolveBaseUrl(choice: BaseUrlChoice): string {
  const { country, baseUrl } = choice;
  if (country !== undefined && baseUrl !== undefined) {
    throw new ExactSettingsError('give either an Exact Online country or a base URL, not both');
  }
  if (country !== undefined) return hostOfCountry(country);
  if (baseUrl !== undefined) return checkedBaseUrl(baseUrl);
  throw new ExactSettingsError(`give an Exact Online country (${validCountries()}) or a base URL`);
}

function hostOfCountry(country: string): string {
  const key = country.trim().toLowerCase();
  if (Object.hasOwn(EXACT_HOSTS, key)) return EXACT_HOSTS[key as ExactCountry];
  throw new ExactSettingsError(`unknown Exact Online country "${country}": use one of ${validCountries()}`);
}

function validCountries(): string {
  return Object.keys(EXACT_HOSTS).join(', ');
}

function checkedBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    // Not echoed: an unparseable string could still hold a password typed in the wrong field.
    throw new ExactSettingsError('the base URL is not a valid URL: use e.g. https://start.exactonline.nl');
  }
  // The URL is echoed in messages below only after credentials are ruled out, so no secret reaches a log.
  if (url.username !== '' || url.password !== '') {
    throw new ExactSettingsError('the base URL must not contain a user name or password');
  }
  const shown = url.href;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ExactSettingsError(`the base URL "${shown}" must start with https:// (or http:// for a local simulator)`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ExactSettingsError(
      `the base URL "${shown}" must not have a query or fragment: give only scheme and host`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** What a host key looks like: short, lowercase, so it can be typed into the Web UI and echoed safely. */
export const HOST_KEY_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** How an operator names a container's host: an Exact country, a host key of the worker, or a base URL. */
export interface HostChoice {
  /** One of {@link EXACT_HOSTS}' keys, case-insensitive; checked here. */
  country?: string;
  /** A host key the worker's configuration defines (`simulator`); only the worker can tell whether it knows it. */
  host?: string;
  /** A base URL (older inputs): an Exact country host becomes its key; any other goes as is, for the worker to judge. */
  baseUrl?: string;
}

/**
 * What a container's input names as its host: `{ host }`, or `{ baseUrl }` for a URL that is no Exact country host
 * (a simulator's, which only a worker configured for it accepts). Throws {@link ExactSettingsError} on bad input.
 */
export function hostTarget(choice: HostChoice): { host: string } | { baseUrl: string } {
  const given = (['country', 'host', 'baseUrl'] as const).filter((name) => choice[name] !== undefined);
  if (given.length > 1) throw new ExactSettingsError(`give one of ${given.join(' or ')}, not ${given.length}`);
  if (choice.country !== undefined) {
    hostOfCountry(choice.country);
    return { host: choice.country.trim().toLowerCase() };
  }
  if (choice.host !== undefined) {
    const key = choice.host.trim().toLowerCase();
    if (!HOST_KEY_PATTERN.test(key)) {
      throw new ExactSettingsError(
        `a host key is lowercase letters, digits and "-": an Exact country (${validCountries()}) or one the worker defines, such as simulator`,
      );
    }
    return { host: key };
  }
  if (choice.baseUrl !== undefined) {
    const baseUrl = checkedBaseUrl(choice.baseUrl);
    const country = Object.entries(EXACT_HOSTS).find(([, url]) => url === baseUrl)?.[0];
    return country === undefined ? { baseUrl } : { host: country };
  }
  throw new ExactSettingsError(`give an Exact Online country (${validCountries()}), a host key or a base URL`);
}

export interface AuthorizationUrlOptions {
  baseUrl: string;
  clientId: string;
  /** Must equal the redirect URI registered in the Exact App Center, character for character. */
  redirectUri: string;
  /** Opaque value echoed back on the redirect; check it there against CSRF. */
  state: string;
  /** Ask Exact to show the login page even when a session exists. @default false */
  forceLogin?: boolean;
}

/** The browser URL that starts an authorization-code login, with the parameters picqer sends (facts §1.2). */
export function buildAuthorizationUrl(options: AuthorizationUrlOptions): string {
  const url = new URL(`${resolveBaseUrl({ baseUrl: options.baseUrl })}${EXACT_PATHS.authorize}`);
  url.search = new URLSearchParams({
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    response_type: 'code',
    state: options.state,
    force_login: options.forceLogin === true ? '1' : '0',
  }).toString();
  return url.href;
}

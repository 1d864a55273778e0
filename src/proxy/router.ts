import { ProxyError } from './errors';

/** Where a consumer's request goes: the container, and what to ask its Exact host. */
export interface ProxyRoute {
  alias: string;
  /** Path and query as Exact gets them: `/api/v1/…?…`. */
  exactPath: string;
  /** The company (division) in the path; undefined for `current/Me` and other division-less resources. */
  division?: string;
  /**
   * The endpoint Exact counts errors for, lower case, without division or keys: `crm/accounts`,
   * `current/me`, `bulk/financial/transactionlines`.
   */
  endpoint: string;
}

/** The methods Exact's REST API serves. */
export const FORWARDED_METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);

const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const DIVISION = /^\d{1,12}$/;
/** Services whose endpoints have three parts (`bulk/Financial/TransactionLines`) rather than two. */
const THREE_PART_SERVICES = new Set(['bulk', 'sync', 'read', 'beta']);
const ENDPOINT_PART = /^[a-z0-9_]{1,64}$/;
/**
 * Encoded slashes, backslashes and dots, and dot segments: a path Exact might read differently from us could
 * reach another resource than the one counted (or one outside `/api/v1`).
 */
const AMBIGUOUS = /%2f|%5c|%2e|\\|\/\.{1,2}(\/|$)|\/\//i;

const notFound = (why: string): ProxyError =>
  new ProxyError(404, 'not_found', `${why}: the proxy serves /{alias}/api/v1/… (e.g. /acme/api/v1/current/Me).`);

/** Reads `/{alias}/api/v1/…` from a request target; a ProxyError 404 for anything else. */
export function routeOf(target: string): ProxyRoute {
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? '' : target.slice(queryAt);
  if (!path.startsWith('/') || AMBIGUOUS.test(path)) throw notFound('this path is not one the proxy forwards');
  const [, alias = '', api = '', version = '', ...rest] = path.split('/');
  if (!ALIAS.test(alias)) throw notFound('the path does not start with a container alias');
  if (api.toLowerCase() !== 'api' || version.toLowerCase() !== 'v1' || rest.length < 2 || rest.includes('')) {
    throw notFound(`no Exact API path after "/${alias}"`);
  }
  const division = DIVISION.test(rest[0]!) ? rest[0] : undefined;
  const resource = division === undefined ? rest : rest.slice(1);
  return {
    alias,
    exactPath: `/${[api, version, ...rest].join('/')}${query}`,
    division,
    endpoint: endpointOf(resource),
  };
}

/** The endpoint's name from the resource parts, keys like `(guid'…')` and navigation parts left out. */
function endpointOf(resource: string[]): string {
  const service = (resource[0] ?? '').toLowerCase();
  const parts = resource
    .slice(0, THREE_PART_SERVICES.has(service) ? 3 : 2)
    .map((part) => part.replace(/\(.*$/, '').toLowerCase());
  return parts.length > 0 && parts.every((part) => ENDPOINT_PART.test(part)) ? parts.join('/') : 'other';
}

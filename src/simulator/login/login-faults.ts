/**
 * Failures right after a login submit, the moments a keeper must not mistake for anything else: the submit
 * is processed first (the attempt counted, a right password accepted, a wrong one counted towards lockout),
 * and only then the answer goes wrong: a 500 error page, no answer at all, or a page that is no login page.
 */
import { z } from 'zod';

export const LOGIN_FAULT_STEPS = ['username', 'password', 'totp', 'consent'] as const;
/** The submit a fault follows: the username alone, the password (alone or with the username), the code, consent. */
export type LoginFaultStep = (typeof LOGIN_FAULT_STEPS)[number];

export const loginFaultSchema = z.strictObject({
  after: z.enum(LOGIN_FAULT_STEPS),
  kind: z.enum(['5xx', 'hang', 'unknown-page']),
  count: z.number().int().positive().optional(),
  username: z.string().min(1).optional(),
});

/**
 * A fault after a login submit. `kind`: `5xx` answers a 500 HTML error page; `hang` never answers (the
 * connection stays open until the client gives up or the simulator stops); `unknown-page` answers 200 with a
 * maintenance page that has no form. `after: 'username'` fires only on a page that asks the username alone.
 * `count`: the next N matching submits @default every matching submit until cleared.
 * `username`: only submits for this username (case-insensitive) @default every user.
 */
export type LoginFaultRule = z.infer<typeof loginFaultSchema>;
export type LoginFaultKind = LoginFaultRule['kind'];

export class LoginFaults {
  private rules: { id: number; rule: LoginFaultRule; left?: number }[] = [];
  private nextId = 1;

  add(rule: LoginFaultRule): number {
    const id = this.nextId++;
    this.rules.push({ id, rule, left: rule.count });
    return id;
  }

  list(): (LoginFaultRule & { id: number; left?: number })[] {
    return this.rules.map(({ id, rule, left }) => ({ ...rule, id, left }));
  }

  clear(): void {
    this.rules = [];
  }

  /** The fault that follows this submit, if one is armed (a counted rule is used up as it fires). */
  take(after: LoginFaultStep, username: string | undefined): LoginFaultKind | undefined {
    const typed = username?.trim().toLowerCase();
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.after !== after) continue;
      if (rule.username !== undefined && rule.username.trim().toLowerCase() !== typed) continue;
      if (entry.left !== undefined) {
        entry.left--;
        if (entry.left === 0) this.rules = this.rules.filter((other) => other !== entry);
      }
      return rule.kind;
    }
    return undefined;
  }
}

/** What a failing login server shows: no form, no login words, nothing a login could take for a next step. */
export const SERVER_ERROR_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Exact Online - Error</title></head>
<body><h1>Sorry, something went wrong</h1><p>An unexpected error occurred. Please try again later.</p></body></html>
`;

/** A 200 page that is not a login page: what a keeper sees when the site is down for maintenance. */
export const MAINTENANCE_PAGE = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Exact Online - Onderhoud / Maintenance</title></head>
<body><h1>Onderhoud / Maintenance</h1>
<p>Exact Online is tijdelijk niet beschikbaar wegens onderhoud. Exact Online is temporarily unavailable for maintenance.</p>
</body></html>
`;

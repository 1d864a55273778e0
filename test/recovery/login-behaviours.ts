/**
 * The login-site behaviours the lockout matrix runs: page variants the simulator generates (three flows, other
 * markup, other languages, other places for the error text, …) times what happens to the login (right or wrong
 * credentials, a locked account, a failure after a submit, the worker killed after a submit).
 */
import type { LoginSiteStyle } from '../../src/simulator';

/** One generated login site: a flow and the knobs that make its pages differ from the native ones. */
export interface SiteVariant {
  name: string;
  style: LoginSiteStyle;
}

const FLOWS = ['legacy', 'b2c', 'hybrid'] as const;

/** Knob sets applied to each flow; the first keeps the native pages the profiles know. */
const KNOBS: { name: string; style: Omit<LoginSiteStyle, 'flow'> }[] = [
  { name: 'native', style: {} },
  { name: 'other markup, alert', style: { markup: 'other', language: 'en', errorPlacement: 'alert' } },
  {
    name: 'other markup, nl, error elsewhere',
    style: { markup: 'other', language: 'nl', errorPlacement: 'unexpected' },
  },
  { name: 'other markup, de, six code inputs', style: { markup: 'other', language: 'de', totpInputs: 'six' } },
  {
    name: 'nl, one page, stay signed in',
    style: { markup: 'other', language: 'nl', usernameAndPasswordTogether: true, staySignedIn: true },
  },
  {
    name: 'de, other consent, alert',
    style: { markup: 'other', language: 'de', consentButton: 'other', errorPlacement: 'alert' },
  },
];

export const SITE_VARIANTS: readonly SiteVariant[] = FLOWS.flatMap((flow) =>
  KNOBS.map(({ name, style }) => ({ name: `${flow}: ${name}`, style: { flow, ...style } })),
);

/** What happens to one login; "after" names the credential step whose submit is followed by the mishap. */
export type Outcome =
  | { kind: 'right' }
  | { kind: 'wrong-password' }
  | { kind: 'wrong-totp' }
  | { kind: 'locked' }
  | { kind: 'fault'; fault: '5xx' | 'hang' | 'unknown-page'; after: 'password' | 'totp' }
  | { kind: 'killed'; after: 'password' | 'totp' };

export const OUTCOMES: readonly Outcome[] = [
  { kind: 'right' },
  { kind: 'wrong-password' },
  { kind: 'wrong-totp' },
  { kind: 'locked' },
  ...(['5xx', 'hang', 'unknown-page'] as const).flatMap((fault) =>
    (['password', 'totp'] as const).map((after): Outcome => ({ kind: 'fault', fault, after })),
  ),
  { kind: 'killed', after: 'password' },
  { kind: 'killed', after: 'totp' },
];

export function outcomeName(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'fault':
      return `${outcome.fault} after the ${outcome.after} submit`;
    case 'killed':
      return `worker killed after the ${outcome.after} submit`;
    default:
      return outcome.kind;
  }
}

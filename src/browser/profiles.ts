/**
 * The login pages as data: per step, how to recognise its page, which fields get which credential, the
 * button that submits it, and where the page shows that step's error. The automation walks whichever step's
 * page it is on, so a site that skips a step (a known consent, say) still works. Ids come from the real pages
 * (facts §3.1, §3.2); Exact's consent ids are unknown, so `#AllowButton` is the simulator's. Profiles are the
 * first choice; `auto` tries every profile and then reads the page by meaning (dom-reading.ts).
 */
import { LoginInputError } from './errors';

/** A page the automation can act on, in the order a login passes them. */
export type ProfileStepName = 'username' | 'password' | 'totp' | 'consent';

/** Which credential goes into a field; `totpCode` is computed right before it is typed. */
export type CredentialSource = 'username' | 'password' | 'totpCode';

/** How to tell a step's page: CSS selectors that must all match, and ones that must not. */
export interface PageSignature {
  present: readonly string[];
  absent?: readonly string[];
}

export interface StepProfile {
  step: ProfileStepName;
  recognise: PageSignature;
  /** Filled in this order. */
  fields: readonly { selector: string; value: CredentialSource }[];
  /** The button that submits the step. */
  submit: string;
  /** Where the page shows this step's error; text in a visible one means the step was refused. */
  errorAreas: readonly string[];
}

export interface LoginProfile {
  name: string;
  /** In login order; a later step's page means the earlier ones were passed. */
  steps: readonly StepProfile[];
}

const consent: StepProfile = {
  step: 'consent',
  recognise: { present: ['#AllowButton'] },
  fields: [],
  submit: '#AllowButton',
  errorAreas: [],
};

/** Exact's own pages: `/docs/Login.aspx` (username, then password on the same page) and `/docs/TotpLogin.aspx`. */
export const legacyExact: LoginProfile = {
  name: 'legacyExact',
  steps: [
    {
      step: 'username',
      recognise: { present: ['#LoginForm_UserName'], absent: ['#LoginForm_Password'] },
      fields: [{ selector: '#LoginForm_UserName', value: 'username' }],
      submit: '#LoginForm_btnSave',
      errorAreas: ['#LoginForm_ErrorMessages'],
    },
    {
      step: 'password',
      recognise: { present: ['#LoginForm_Password'] },
      fields: [{ selector: '#LoginForm_Password', value: 'password' }],
      submit: '#LoginForm_btnSave',
      errorAreas: ['#LoginForm_ErrorMessages'],
    },
    {
      step: 'totp',
      recognise: { present: ['#LoginForm_Input_Key'] },
      fields: [{ selector: '#LoginForm_Input_Key', value: 'totpCode' }],
      submit: '#LoginForm_btnSave',
      errorAreas: ['#LoginForm_Input_ErrorMessages'],
    },
    consent,
  ],
};

/** One Exact Identity (Azure AD B2C): username and password on one page, then the verification code. */
export const b2c: LoginProfile = {
  name: 'b2c',
  steps: [
    {
      step: 'password',
      recognise: { present: ['#signInName', '#password'] },
      fields: [
        { selector: '#signInName', value: 'username' },
        { selector: '#password', value: 'password' },
      ],
      submit: '#next',
      errorAreas: ['.error.pageLevel'],
    },
    {
      step: 'totp',
      recognise: { present: ['#totpVerificationCode'] },
      fields: [{ selector: '#totpVerificationCode', value: 'totpCode' }],
      submit: '#next',
      errorAreas: ['.error.pageLevel'],
    },
    consent,
  ],
};

/** Every profile by name. */
export const LOGIN_PROFILES: Readonly<Record<string, LoginProfile>> = Object.freeze({ legacyExact, b2c });

/** The name that means: every profile above, then the page read by meaning. The default. */
export const AUTO_PROFILE = 'auto';

/** The profile called `name`; throws {@link LoginInputError} naming the known ones otherwise. */
export function profileByName(name: string): LoginProfile {
  if (Object.hasOwn(LOGIN_PROFILES, name)) return LOGIN_PROFILES[name] as LoginProfile;
  throw new LoginInputError(
    'profile',
    `Unknown login profile "${name}": use one of ${[AUTO_PROFILE, ...Object.keys(LOGIN_PROFILES)].join(', ')}.`,
  );
}

/** How a login reads pages: these profiles first, in order, then (if `byMeaning`) by what the page shows. */
export interface ReadingPlan {
  /** `auto`, or the one profile's name. */
  name: string;
  profiles: readonly LoginProfile[];
  byMeaning: boolean;
}

/**
 * The plan for a profile option: `auto` is every profile, then by meaning; a named or given profile is that
 * profile alone (a caller who names one wants exactly its pages). Throws {@link LoginInputError} for an unknown
 * name or a profile without steps.
 */
export function readingPlan(profile: LoginProfile | string): ReadingPlan {
  if (profile === AUTO_PROFILE) {
    return { name: AUTO_PROFILE, profiles: Object.values(LOGIN_PROFILES), byMeaning: true };
  }
  const chosen = typeof profile === 'string' ? profileByName(profile) : profile;
  if (chosen === undefined || chosen === null || !Array.isArray(chosen.steps) || chosen.steps.length === 0) {
    throw new LoginInputError('profile', 'The login profile has no steps: use auto, legacyExact or b2c.');
  }
  return { name: chosen.name, profiles: [chosen], byMeaning: false };
}

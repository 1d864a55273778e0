/**
 * The words on the login pages, per language, and the native pages' own (Dutch, as on start.exactonline.nl;
 * the legacy and B2C pages word some things differently). Values are HTML: trusted constants, written into
 * pages as they are; whatever comes from a request is escaped by the renderer before it meets them.
 */
import type { LoginFlow, LoginLanguage, LoginSite } from './site-style';

export interface LoginTexts {
  /** The `lang` of the page. */
  lang: LoginLanguage;
  /** Title suffix and heading of the sign-in page. */
  signIn: string;
  username: string;
  password: string;
  signingInAs: string;
  next: string;
  signInButton: string;
  /** Title suffix of the TOTP page. */
  totpTitle: string;
  totpHeading: string;
  totpLabel: string;
  totpDigit: (position: number) => string;
  rememberDevice: string;
  verify: string;
  stayHeading: string;
  stayText: string;
  yes: string;
  no: string;
  consentHeading: string;
  /** The consent question; client id and username arrive escaped, wrapped in the page's elements. */
  consentText: (clientHtml: string, userHtml: string) => string;
  allow: string;
  deny: string;
  /** Heading and detail of the page for a consent post without a choice. */
  noChoice: string;
  noChoiceDetail: (allow: string, deny: string) => string;
}

const DIGITS = 6;

const NL: LoginTexts = {
  lang: 'nl',
  signIn: 'Inloggen',
  username: 'Gebruikersnaam',
  password: 'Wachtwoord',
  signingInAs: 'Aanmelden als',
  next: 'Volgende',
  signInButton: 'Inloggen',
  totpTitle: 'Verificatiecode',
  totpHeading: 'Tweestapsverificatie',
  totpLabel: 'Verificatiecode uit uw authenticator-app',
  totpDigit: (position) => `Cijfer ${position} van ${DIGITS}`,
  rememberDevice: 'Dit apparaat onthouden',
  verify: 'Verifi&euml;ren',
  stayHeading: 'Aangemeld blijven?',
  stayText: 'Blijf aangemeld op dit apparaat, zodat u minder vaak hoeft in te loggen.',
  yes: 'Ja',
  no: 'Nee',
  consentHeading: 'Toegang verlenen',
  consentText: (client, user) => `De app ${client} vraagt toegang tot uw\nExact Online-administraties namens ${user}.`,
  allow: 'Toestaan',
  deny: 'Weigeren',
  noChoice: 'Er is geen keuze gemaakt',
  noChoiceDetail: (allow, deny) => `Kies "${allow}" om de app toe te staan of "${deny}" om te weigeren.`,
};

const EN: LoginTexts = {
  lang: 'en',
  signIn: 'Sign in',
  username: 'Username',
  password: 'Password',
  signingInAs: 'Signing in as',
  next: 'Next',
  signInButton: 'Sign in',
  totpTitle: 'Verification code',
  totpHeading: 'Two-step verification',
  totpLabel: 'Verification code from your authenticator app',
  totpDigit: (position) => `Digit ${position} of ${DIGITS}`,
  rememberDevice: 'Remember this device',
  verify: 'Verify',
  stayHeading: 'Stay signed in?',
  stayText: 'Stay signed in on this device, so you are asked to sign in less often.',
  yes: 'Yes',
  no: 'No',
  consentHeading: 'Allow access',
  consentText: (client, user) =>
    `The app ${client} asks for access to your\nExact Online administrations on behalf of ${user}.`,
  allow: 'Allow',
  deny: 'Deny',
  noChoice: 'No choice was made',
  noChoiceDetail: (allow, deny) => `Choose "${allow}" to allow the app or "${deny}" to refuse it.`,
};

const DE: LoginTexts = {
  lang: 'de',
  signIn: 'Anmelden',
  username: 'Benutzername',
  password: 'Passwort',
  signingInAs: 'Anmelden als',
  next: 'Weiter',
  signInButton: 'Anmelden',
  totpTitle: 'Bestätigungscode',
  totpHeading: 'Zweistufige Verifizierung',
  totpLabel: 'Bestätigungscode aus Ihrer Authenticator-App',
  totpDigit: (position) => `Ziffer ${position} von ${DIGITS}`,
  rememberDevice: 'Dieses Gerät merken',
  verify: 'Bestätigen',
  stayHeading: 'Angemeldet bleiben?',
  stayText: 'Bleiben Sie auf diesem Gerät angemeldet, damit Sie sich seltener anmelden müssen.',
  yes: 'Ja',
  no: 'Nein',
  consentHeading: 'Zugriff erlauben',
  consentText: (client, user) =>
    `Die App ${client} bittet im Namen von ${user} um Zugriff\nauf Ihre Exact Online-Administrationen.`,
  allow: 'Zulassen',
  deny: 'Ablehnen',
  noChoice: 'Es wurde keine Auswahl getroffen',
  noChoiceDetail: (allow, deny) => `Wählen Sie "${allow}", um die App zuzulassen, oder "${deny}", um sie abzulehnen.`,
};

export const LANGUAGE_TEXTS: Readonly<Record<LoginLanguage, LoginTexts>> = { en: EN, nl: NL, de: DE };

/** The native B2C pages word the sign-in page and the code label their own way. */
const NATIVE_B2C: LoginTexts = {
  ...NL,
  signIn: 'Aanmelden',
  username: 'E-mailadres',
  signInButton: 'Aanmelden',
  totpLabel: 'Voer de code uit uw authenticator-app in',
};

/** The native consent page answers a post without a choice in English. */
const NATIVE_NO_CHOICE = {
  noChoice: EN.noChoice,
  noChoiceDetail: EN.noChoiceDetail,
};

/**
 * The texts of a page: the site's language, or without one the native texts of the page's own look
 * (`b2c` for pages shaped like login.exact.com, `legacy` for start.exactonline.*).
 */
export function textsFor(site: LoginSite, look: Exclude<LoginFlow, 'hybrid'>): LoginTexts {
  if (site.language !== undefined) return LANGUAGE_TEXTS[site.language];
  return { ...(look === 'b2c' ? NATIVE_B2C : NL), ...NATIVE_NO_CHOICE };
}

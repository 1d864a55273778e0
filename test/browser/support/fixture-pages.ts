/**
 * Static login pages unlike any profile's: odd ids and names, labels in Dutch, English, German, French and
 * Spanish, six one-digit code inputs, refusals in different places, a "Stay signed in?" question, a consent
 * page whose Allow button nobody has seen. No scripts: both page drivers can walk them.
 */
import type { PageView } from './login-flow';

export interface Words {
  lang: string;
  username: string;
  email: string;
  password: string;
  code: string;
  next: string;
  signIn: string;
  verify: string;
  allow: string;
  deny: string;
  stay: string;
  yes: string;
  no: string;
  locked: string;
}

export const LANGUAGES = {
  nl: {
    lang: 'nl',
    username: 'Gebruikersnaam',
    email: 'E-mailadres',
    password: 'Wachtwoord',
    code: 'Verificatiecode',
    next: 'Volgende',
    signIn: 'Inloggen',
    verify: 'Verifiëren',
    allow: 'Toestaan',
    deny: 'Weigeren',
    stay: 'Aangemeld blijven?',
    yes: 'Ja',
    no: 'Nee',
    locked: 'Uw account is geblokkeerd na te veel pogingen.',
  },
  en: {
    lang: 'en',
    username: 'Username',
    email: 'Email address',
    password: 'Password',
    code: 'Verification code',
    next: 'Next',
    signIn: 'Sign in',
    verify: 'Verify',
    allow: 'Allow',
    deny: 'Deny',
    stay: 'Stay signed in?',
    yes: 'Yes',
    no: 'No',
    locked: 'Your account has been locked.',
  },
  de: {
    lang: 'de',
    username: 'Benutzername',
    email: 'E-Mail-Adresse',
    password: 'Passwort',
    code: 'Bestätigungscode',
    next: 'Weiter',
    signIn: 'Anmelden',
    verify: 'Bestätigen',
    allow: 'Zulassen',
    deny: 'Ablehnen',
    stay: 'Angemeldet bleiben?',
    yes: 'Ja',
    no: 'Nein',
    locked: 'Ihr Konto ist vorübergehend gesperrt.',
  },
  fr: {
    lang: 'fr',
    username: 'Identifiant',
    email: 'Adresse e-mail',
    password: 'Mot de passe',
    code: 'Code de vérification',
    next: 'Suivant',
    signIn: 'Se connecter',
    verify: 'Vérifier',
    allow: 'Autoriser',
    deny: 'Refuser',
    stay: 'Rester connecté ?',
    yes: 'Oui',
    no: 'Non',
    locked: 'Votre compte est verrouillé.',
  },
  es: {
    lang: 'es',
    username: 'Usuario',
    email: 'Correo electrónico',
    password: 'Contraseña',
    code: 'Código de verificación',
    next: 'Siguiente',
    signIn: 'Iniciar sesión',
    verify: 'Verificar',
    allow: 'Permitir',
    deny: 'Rechazar',
    stay: '¿Mantener la sesión iniciada?',
    yes: 'Sí',
    no: 'No',
    locked: 'Su cuenta está bloqueada.',
  },
} as const satisfies Record<string, Words>;

export type Language = keyof typeof LANGUAGES;

/** A whole document; a style sheet hides `.gone`, so visibility is decided by CSS as well as attributes. */
export function doc(title: string, body: string, lang = 'en'): string {
  return `<!DOCTYPE html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title>
<style>.gone { display: none; } .faded { visibility: hidden; }</style></head>
<body><main class="shell"><h1>${title}</h1>
${body}
</main></body></html>`;
}

/** Where a refusal shows; `revealed` is a hint that was in the page all along, hidden until the refusal. */
export type Placement = 'alert' | 'live' | 'class' | 'text' | 'revealed';

export function refusalSlot(placement: Placement, refusal: string | undefined, revealedText = ''): string {
  switch (placement) {
    case 'alert':
      return refusal === undefined ? '' : `<div class="notice" role="alert">${refusal}</div>`;
    case 'live':
      return `<div class="status" aria-live="polite">${refusal ?? ''}</div>`;
    case 'class':
      return `<span class="field-validation-error">${refusal ?? ''}</span>`;
    case 'text':
      return refusal === undefined ? '' : `<p class="note">${refusal}</p>`;
    case 'revealed':
      return `<p class="hint"${refusal === undefined ? ' hidden' : ''}>${revealedText}</p>`;
  }
}

/** The username alone, found by its label only (no type, no autocomplete). */
export function usernamePage(t: Words, view: PageView, placement: Placement = 'alert'): string {
  return doc(
    t.signIn,
    `<form method="post" action="${view.action}">
${refusalSlot(placement, view.refusal)}
<label for="u1">${t.username}</label><input id="u1" name="ident">
<button type="submit">${t.next}</button>
</form>`,
    t.lang,
  );
}

/** The password of a username already given; the submit is a button whose words name it. */
export function passwordPage(t: Words, view: PageView, placement: Placement = 'alert', revealed = ''): string {
  return doc(
    t.signIn,
    `<p>${t.signIn}</p>
<form method="post" action="${view.action}">
${refusalSlot(placement, view.refusal, revealed)}
<label for="p1">${t.password}</label><input id="p1" name="secret" type="password">
<button type="button" name="act" value="forgot" class="link">Forgot password?</button>
<button type="submit" name="act" value="login">${t.signIn}</button>
</form>`,
    t.lang,
  );
}

/** The code in one field found by its label, or in six one-digit inputs. */
export function codePage(t: Words, view: PageView, six = false): string {
  const inputs = six
    ? [1, 2, 3, 4, 5, 6].map((n) => `<input name="d${n}" maxlength="1" inputmode="numeric" aria-label="${n}">`).join('')
    : `<label for="c1">${t.code}</label><input id="c1" name="otp">`;
  return doc(
    t.code,
    `<form method="post" action="${view.action}">
${refusalSlot('alert', view.refusal)}
${six ? `<p>${t.code}</p>` : ''}${inputs}
<button type="submit">${t.verify}</button>
</form>`,
    t.lang,
  );
}

/** The posted code, from one field or six. */
export function postedCode(form: URLSearchParams): string {
  return form.get('otp') ?? [1, 2, 3, 4, 5, 6].map((n) => form.get(`d${n}`) ?? '').join('');
}

export function staySignedInPage(t: Words, view: PageView): string {
  return doc(
    t.stay,
    `<form method="post" action="${view.action}">
<button type="submit" name="stay" value="yes">${t.yes}</button>
<button type="submit" name="stay" value="no">${t.no}</button>
</form>`,
    t.lang,
  );
}

/** Consent with classes and names nobody knows; the deny button comes first. */
export function consentPage(t: Words, view: PageView): string {
  return doc(
    t.allow,
    `<p>The app Fixture asks for access.</p>
<form method="post" action="${view.action}">
<button type="submit" name="decision" value="no" class="btn-secondary">${t.deny}</button>
<button type="submit" name="decision" value="grant" class="c-9x">${t.allow}</button>
</form>`,
    t.lang,
  );
}

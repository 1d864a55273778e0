/**
 * The words a login page uses, in the languages of Exact's countries (Dutch, English, German, French, Spanish).
 * Each is a regular expression source matched against *normalised* text: accents removed, camelCase split,
 * lower case, every run of other characters one space (`LoginForm$UserName` → `login form user name`,
 * `Bestätigen ›` → `bestatigen`). They cross into the page as strings, so they are sources, not RegExps.
 */

/** Alternatives as one group; `whole` anchors it to the entire text (a button's label), else to word edges. */
function anyOf(alternatives: readonly string[], whole = false): string {
  const group = `(?:${alternatives.join('|')})`;
  return whole ? `^${group}$` : `\\b${group}\\b`;
}

/** The patterns the page reading uses; see {@link PAGE_WORDS}. */
export interface PageWords {
  /** Name, id, label, placeholder of a username or e-mail field. */
  username: string;
  /** … of a password field (`type=password` and `autocomplete` decide first). */
  password: string;
  /** … of a one-time-code field. */
  totp: string;
  /** The whole label of a control that submits a credential step. */
  submit: string;
  /** The whole label of a control that grants the app access (consent). */
  allow: string;
  /** Anything about a control (label, id, name, class, value) that must never be clicked. */
  never: string;
  /** The whole label of an interstitial's "yes" and "no" answers. */
  yes: string;
  no: string;
}

export const PAGE_WORDS: Readonly<PageWords> = Object.freeze({
  username: anyOf([
    'user\\w*',
    'e ?mail\\w*',
    'log ?in',
    'log ?on',
    'sign ?in\\w*',
    'gebruiker\\w*',
    'benutzer\\w*',
    'anmeldename',
    'identifiant',
    'utilisateur',
    'usuario',
    'correo',
    'account',
    'konto',
    'identity',
  ]),
  password: anyOf([
    'password\\w*',
    'passwort\\w*',
    'wachtwoord\\w*',
    'kennwort\\w*',
    'mot de passe',
    'contrasena\\w*',
    'clave',
  ]),
  totp: anyOf([
    'totp\\w*',
    'otp\\w*',
    'one ?time\\w*',
    '2fa',
    'mfa',
    'two ?(?:factor|step)\\w*',
    'verification\\w*',
    'verificatie\\w*',
    'verifizierung\\w*',
    'verificacion\\w*',
    'bestatigung\\w*',
    'authenticator\\w*',
    'sicherheitscode',
    'security code',
    'beveiligingscode',
    'code',
    'codes',
    'codigo',
    'tweestaps\\w*',
    'zweistufig\\w*',
  ]),
  submit: anyOf(
    [
      'next',
      'volgende',
      'verder',
      'weiter',
      'suivant',
      'siguiente',
      'continue',
      'continuar',
      'doorgaan',
      'fortfahren',
      'continuer',
      'inloggen',
      'aanmelden',
      'anmelden',
      'einloggen',
      'log ?in',
      'log ?on',
      'sign ?in',
      'se connecter',
      'connexion',
      'iniciar sesion',
      'entrar',
      'acceder',
      'ingresar',
      'verify',
      'verifieren',
      'verifizieren',
      'bestatigen',
      'verifier',
      'valider',
      'verificar',
      'submit',
      'ok',
      'confirm',
      'bevestigen',
      'confirmer',
      'confirmar',
      'send',
      'verzenden',
      'senden',
      'envoyer',
      'enviar',
    ],
    true,
  ),
  allow: anyOf(
    [
      'toestaan',
      'allow(?: access)?',
      'zulassen',
      'erlauben',
      'zugriff erlauben',
      'autoriser',
      'permitir',
      'autorizar',
      'authori[sz]e',
      'autoriseren',
      'autorisieren',
      'accept',
      'accepteren',
      'akzeptieren',
      'accepter',
      'aceptar',
      'akkoord',
      'i agree',
      'agree',
      'einverstanden',
      'grant(?: access)?',
      'toegang verlenen',
      'approve',
      'goedkeuren',
      'genehmigen',
      'approuver',
      'aprobar',
    ],
    true,
  ),
  never: anyOf([
    'cancel\\w*',
    'annuleren',
    'abbrechen',
    'annuler',
    'cancelar',
    'deny',
    'weiger\\w*',
    'ablehnen',
    'refuser',
    'rechazar',
    'denegar',
    'decline',
    'reject\\w*',
    'forgot\\w*',
    'vergeten',
    'vergessen',
    'oubli\\w*',
    'olvid\\w*',
    'reset',
    'herstel\\w*',
    'zurucksetzen',
    'reinitialiser',
    'restablecer',
    'back',
    'terug',
    'zuruck',
    'retour',
    'volver',
    'regist\\w*',
    'inscri\\w*',
    'sign ?up',
    'create',
    'aanmaken',
    'erstellen',
    'help',
    'hilfe',
    'aide',
    'ayuda',
    // A cookie banner's "Accept" is not consent.
    'cookie\\w*',
    'privacy',
    'datenschutz',
  ]),
  yes: anyOf(['yes', 'ja', 'oui', 'si'], true),
  no: anyOf(['no', 'nee', 'nein', 'non', 'not now', 'niet nu', 'nicht jetzt', 'pas maintenant', 'ahora no'], true),
});

/**
 * Words that say an account is locked, in the five languages (normalised as above). Exact's own wording is
 * unconfirmed; missing one costs little, as a lock read as `credentials-rejected` is just as final.
 */
export const LOCKED_WORDS = anyOf([
  'locked',
  'locked out',
  'blocked',
  'geblokkeerd',
  'vergrendeld',
  'gesperrt',
  'verrouill\\w*',
  'bloque\\w*',
]);

/** `text` as the patterns expect it: accents removed, camelCase split, lower case, other characters one space. */
export function normaliseWords(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

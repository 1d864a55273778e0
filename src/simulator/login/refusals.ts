/**
 * The refusals of the login pages in each page language. The native pages speak English here (see
 * messages.ts, which other code names); a site with a language says them in that language. Like the English
 * ones, none of them ever holds what the user typed.
 */
import { LOGIN_MESSAGES } from './messages';
import type { LoginLanguage } from './site-style';

/** Why a step was refused: a key of {@link LOGIN_MESSAGES}. */
export type LoginProblem = keyof typeof LOGIN_MESSAGES;

const NL: Record<LoginProblem, string> = {
  wrongCredentials: 'De gebruikersnaam of het wachtwoord is onjuist.',
  accountLocked:
    'Uw account is tijdelijk geblokkeerd na te veel mislukte inlogpogingen. Probeer het later opnieuw of stel uw wachtwoord opnieuw in.',
  wrongTotp: 'De verificatiecode is onjuist.',
  reusedTotp: 'Deze verificatiecode is al gebruikt. Wacht op een nieuwe code.',
  malformedTotp: 'Voer de 6-cijferige verificatiecode uit uw authenticator-app in.',
  missingUsername: 'Voer uw gebruikersnaam in.',
  missingPassword: 'Voer uw wachtwoord in.',
};

const DE: Record<LoginProblem, string> = {
  wrongCredentials: 'Der Benutzername oder das Passwort ist falsch.',
  accountLocked:
    'Ihr Konto ist wegen zu vieler fehlgeschlagener Anmeldeversuche vorübergehend gesperrt. Versuchen Sie es später erneut oder setzen Sie Ihr Passwort zurück.',
  wrongTotp: 'Der Bestätigungscode ist falsch.',
  reusedTotp: 'Dieser Bestätigungscode wurde bereits verwendet. Warten Sie auf einen neuen Code.',
  malformedTotp: 'Geben Sie den 6-stelligen Bestätigungscode aus Ihrer Authenticator-App ein.',
  missingUsername: 'Geben Sie Ihren Benutzernamen ein.',
  missingPassword: 'Geben Sie Ihr Passwort ein.',
};

const BY_LANGUAGE: Readonly<Record<LoginLanguage, Record<LoginProblem, string>>> = {
  en: LOGIN_MESSAGES,
  nl: NL,
  de: DE,
};

/** The refusal as the page says it (plain text: escape it when writing it into a page). */
export function refusalText(problem: LoginProblem, language: LoginLanguage | undefined): string {
  return (language === undefined ? LOGIN_MESSAGES : BY_LANGUAGE[language])[problem];
}

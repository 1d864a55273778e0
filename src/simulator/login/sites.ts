/**
 * Which login site each app's logins get: one style for every app, which tests switch at run time, and
 * optionally a style of its own for an app. A login keeps the site it started on; a switch applies to logins
 * that start after it. Like faults, styles are test settings: the state file does not keep them.
 */
import { type LoginFlow, type LoginSite, type LoginSiteStyle, resolveLoginSite } from './site-style';

export class LoginSites {
  private style: LoginSiteStyle = {};
  private readonly byApp = new Map<string, LoginSiteStyle>();

  /** @param defaultFlow The flow of a style that names none: the simulator's `loginVariant`. */
  constructor(private readonly defaultFlow: () => LoginFlow) {}

  /** Sets the style of every app without one of its own, or (with `clientId`) of that app. */
  set(style: LoginSiteStyle, clientId?: string): LoginSite {
    if (clientId === undefined) this.style = { ...style };
    else this.byApp.set(clientId, { ...style });
    return resolveLoginSite(style, this.defaultFlow());
  }

  /** The site a login of this app starts on now. */
  forApp(clientId: string): LoginSite {
    return resolveLoginSite(this.byApp.get(clientId) ?? this.style, this.defaultFlow());
  }

  /** The style every app gets, and the apps with a style of their own (all resolved). */
  describe(): { site: LoginSite; apps: Record<string, LoginSite> } {
    const apps = Object.fromEntries(
      [...this.byApp].map(([clientId, style]) => [clientId, resolveLoginSite(style, this.defaultFlow())]),
    );
    return { site: resolveLoginSite(this.style, this.defaultFlow()), apps };
  }
}

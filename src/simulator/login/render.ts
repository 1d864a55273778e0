/**
 * Which markup renders the page a login is at: the site's look (native per flow, or `other`) for its stage.
 */
import { renderB2cSignIn, renderB2cTotp } from './b2c-pages';
import { renderConsent, renderStaySignedIn } from './consent-page';
import { renderHybridStart } from './hybrid-start-page';
import { renderLegacyLogin, renderLegacyTotp } from './legacy-pages';
import { renderOtherSignIn, renderOtherTotp } from './other-pages';
import type { PageView } from './page-parts';
import { hostFor } from './paths';
import type { LoginProblem } from './refusals';
import type { LoginTransaction } from './transactions';

/** The page of the transaction's stage, with the refusal of the last submit when there is one. */
export function renderStage(transaction: LoginTransaction, action: string, problem?: LoginProblem): string {
  const { site } = transaction;
  const view: PageView = { site, action, username: transaction.username, problem };
  const host = hostFor(transaction);
  // Pages shaped like login.exact.com: the b2c flow's, and the hybrid flow's on its B2C host.
  const b2cLook = site.flow === 'b2c' || host === 'b2c';
  switch (transaction.stage) {
    case 'username':
    case 'password': {
      const kind =
        transaction.stage === 'username' ? 'username' : site.usernameAndPasswordTogether ? 'credentials' : 'password';
      if (site.markup === 'other') return renderOtherSignIn(view, kind, host);
      if (kind === 'username') return site.flow === 'hybrid' ? renderHybridStart(view) : renderLegacyLogin(view, kind);
      return b2cLook ? renderB2cSignIn(view, kind) : renderLegacyLogin(view, kind);
    }
    case 'totp':
      if (site.markup === 'other') return renderOtherTotp(view, host);
      return b2cLook ? renderB2cTotp(view) : renderLegacyTotp(view);
    case 'stay':
      return renderStaySignedIn(site, action);
    case 'consent':
      return renderConsent({ site, action, clientId: transaction.clientId, username: transaction.username ?? '' });
  }
}

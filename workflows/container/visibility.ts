import { setCurrentDetails, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { EXACT_USER_MEMO, type CarriedState, type ContainerStatus, type ExactUser } from '../../contract/container';
import { CHAIN_STATUS, CREDENTIALS_EXPIRE_AT } from '../search-attributes';
import { renderDetails } from './details';

function memoUser(user: ExactUser | undefined): string | undefined {
  return user === undefined ? undefined : JSON.stringify(user);
}

/**
 * What the Web UI and `chainkeeper list` show of a container without querying it: search attributes, memo and
 * current details. Each is written only when it changed, since every upsert is a Temporal action each cycle pays.
 */
export class Visibility {
  private status: string | undefined;
  private expiry: number | undefined;
  private user: string | undefined;

  /** Starts from what the run was started or continued with, so an unchanged value is not written again. */
  constructor() {
    this.status = workflowInfo().typedSearchAttributes.get(CHAIN_STATUS);
    this.expiry = workflowInfo().typedSearchAttributes.get(CREDENTIALS_EXPIRE_AT)?.getTime();
    this.user = memoUser(workflowInfo().memo?.[EXACT_USER_MEMO] as ExactUser | undefined);
  }

  show(state: CarriedState, status: ContainerStatus): void {
    // The search attribute shows a chain's standing: a routine refresh of a healthy chain does not change it, and
    // upserting twice per cycle would double the Temporal actions each cycle costs.
    const standing = state.status === 'refreshing' && this.status === 'healthy' ? 'healthy' : state.status;
    if (this.status !== standing) {
      upsertSearchAttributes([{ key: CHAIN_STATUS, value: standing }]);
      this.status = standing;
    }
    const expiry = state.credentials?.expiresAtMs;
    if (this.expiry !== expiry) {
      upsertSearchAttributes([{ key: CREDENTIALS_EXPIRE_AT, value: expiry === undefined ? null : new Date(expiry) }]);
      this.expiry = expiry;
    }
    // Only when it changes (enrollment, recovery): `chainkeeper list` reads it without querying each container.
    const user = memoUser(state.exactUser);
    if (user !== undefined && this.user !== user) {
      upsertMemo({ [EXACT_USER_MEMO]: state.exactUser });
      this.user = user;
    }
    setCurrentDetails(renderDetails(status));
  }
}

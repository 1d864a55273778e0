import type { Simulator } from '../../src/simulator';

/** Something secret the simulator just issued: a token pair (from a code or a refresh) or an authorization code. */
export type IssueEvent =
  | {
      kind: 'pair';
      grant: 'authorization_code' | 'refresh_token';
      userId: string;
      accessToken: string;
      refreshToken: string;
    }
  | { kind: 'code'; userId: string; code: string };

/**
 * Calls `listener` for every token pair and authorization code the in-process simulator issues, synchronously,
 * before the answer leaves the simulator. The simulator keeps no issued token (they carry their claims under a
 * MAC) and has no hook for this, so the two chain-store methods that mint pairs and the state method that mints
 * codes are wrapped on this instance only; every call passes through unchanged.
 */
export function observeIssues(sim: Simulator, listener: (event: IssueEvent) => void): void {
  const chains = sim.state.chains;
  const start = chains.start.bind(chains);
  chains.start = (clientId, userId, nowMs) => {
    const started = start(clientId, userId, nowMs);
    listener({ kind: 'pair', grant: 'authorization_code', userId, ...started.pair });
    return started;
  };
  const refresh = chains.refresh.bind(chains);
  chains.refresh = (chain, presented, nowMs) => {
    const pair = refresh(chain, presented, nowMs);
    listener({ kind: 'pair', grant: 'refresh_token', userId: chain.userId, ...pair });
    return pair;
  };
  const state = sim.state;
  const issueCode = state.issueAuthorizationCode.bind(state);
  state.issueAuthorizationCode = (input) => {
    const code = issueCode(input);
    listener({ kind: 'code', userId: input.userId, code });
    return code;
  };
}

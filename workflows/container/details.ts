import type { ContainerStatus } from '../../contract/container';

/** The chain's Exact user and division, as `/Me` named them (never a secret). */
export function exactUserText(status: Pick<ContainerStatus, 'exactUser'>): string | undefined {
  const user = status.exactUser;
  if (!user) return undefined;
  return `${user.userName ?? user.userId}${user.division === undefined ? '' : `, division ${user.division}`}`;
}

/** What an admin should do, in one line, for each status. */
function nextStep(status: ContainerStatus): string {
  switch (status.status) {
    case 'healthy':
      return `Healthy: next refresh ${status.nextRefreshAt ?? 'soon'}. Nothing to do.`;
    case 'refreshing':
      return 'Refreshing the access token now.';
    case 'retrying':
      return `Retrying after: ${status.lastError?.message ?? 'a transient failure'}. Next attempt ${status.nextRefreshAt ?? 'soon'}; nothing to do unless this lasts.`;
    case 'recovering':
      return 'The chain broke; logging in again with the stored credentials.';
    case 'needs-reauth':
      return `Needs you: ${status.reauthReason ?? 'the chain is broken'}`;
    case 'paused':
      return 'Paused by an admin: send `resume` to refresh again (the chain expires after 30 days unused).';
  }
}

/** The workflow's current details for the Web UI: one line of what is wrong and what to do, then the facts. */
export function renderDetails(status: ContainerStatus): string {
  const rows: [string, string | number | undefined][] = [
    ['Status', status.status],
    ['Chain / generation', status.chain === undefined ? undefined : `${status.chain} / ${status.generation}`],
    ['Exact user', exactUserText(status)],
    ['Last refresh', status.lastRefreshAt],
    ['Next refresh', status.nextRefreshAt],
    ['Access token expires', status.accessTokenExpiresAt],
    ['Retry attempt', status.retryAttempt || undefined],
    [
      'Last error',
      status.lastError ? `${status.lastError.type} at ${status.lastError.at}: ${status.lastError.message}` : undefined,
    ],
    [
      'Credentials',
      status.credentials
        ? `until ${status.credentials.expiresAt}` +
          (status.credentials.rejected ? `; on hold: ${status.credentials.suspect ?? 'refused by Exact'}` : '')
        : undefined,
    ],
    ['Token calls today', status.tokenCallsToday],
    ['Refreshes / failures / runs', `${status.refreshes} / ${status.failures} / ${status.runs}`],
  ];
  const table = rows
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `| ${name} | ${String(value).replace(/\|/g, '\\|')} |`)
    .join('\n');
  return `**${nextStep(status)}**\n\n| | |\n|---|---|\n${table}\n`;
}

import { exactUserText } from '../../../workflows/container/details';
import type { ContainerStatus } from '../../../contract/container';

/** "in 6 min", "3 h ago": how far an instant is from now, in the largest unit that fits. */
export function relativeTime(iso: string, nowMs: number): string {
  const deltaS = Math.round((Date.parse(iso) - nowMs) / 1000);
  const size = Math.abs(deltaS);
  const [amount, unit] =
    size < 120
      ? [size, 's']
      : size < 7200
        ? [Math.round(size / 60), 'min']
        : size < 172_800
          ? [Math.round(size / 3600), 'h']
          : [Math.round(size / 86_400), 'days'];
  return deltaS >= 0 ? `in ${amount} ${unit}` : `${amount} ${unit} ago`;
}

const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A container's status as a few aligned lines an admin reads at a glance (it holds no secret). */
export function statusSummary(status: ContainerStatus, nowMs: number = Date.now()): string {
  const when = (iso: string): string => `${iso} (${relativeTime(iso, nowMs)})`;
  const line = (label: string, text: string): string => `  ${label.padEnd(13)}${text}`;
  const lines = [`${status.alias}: ${status.status}`];
  if (status.reauthReason) lines.push(line('needs', status.reauthReason));
  lines.push(
    line('chain', status.chain === undefined ? 'none' : `${status.chain}, generation ${status.generation ?? '?'}`),
    line('last refresh', status.lastRefreshAt ? when(status.lastRefreshAt) : 'never'),
    line('next refresh', status.nextRefreshAt ? when(status.nextRefreshAt) : 'not scheduled'),
    line('access token', status.accessTokenExpiresAt ? `valid until ${when(status.accessTokenExpiresAt)}` : 'none'),
    line(
      'credentials',
      status.credentials
        ? `stored until ${when(status.credentials.expiresAt)}` +
            (status.credentials.rejected
              ? `; ON HOLD (${status.credentials.suspect ?? 'Exact rejected them'}): enter them again, or \`chainkeeper recover\` for one more try`
              : '')
        : 'none (auto-recovery is off)',
    ),
  );
  // Known once /Me answered for the current chain (enrollment, recovery, or a hand-made token's first refresh).
  const user = exactUserText(status);
  if (user) lines.splice(status.reauthReason ? 3 : 2, 0, line('exact user', user));
  if (status.duplicateOf) lines.push(line('duplicate of', `${status.duplicateOf} keeps this Exact user's chain`));
  if (status.retryAttempt > 0) lines.push(line('retrying', `attempt ${status.retryAttempt}`));
  if (status.lastError) {
    const { type, code, at, message } = status.lastError;
    lines.push(line('last error', `${type}${code ? ` (${code})` : ''} ${when(at)}: ${message}`));
  }
  lines.push(
    line(
      'counters',
      `${count(status.refreshes, 'refresh', 'refreshes')}, ${count(status.failures, 'failure')}, ` +
        `${count(status.tokenCallsToday, 'token call')} today, ${count(status.runs, 'run')}`,
    ),
  );
  return lines.join('\n');
}

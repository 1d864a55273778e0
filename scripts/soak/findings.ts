import type { ExactRules } from '../../src/exact/rules';
import type { SoakReport } from './report';

/** What a reader of the report should look at first, in words, each pointing at its evidence in the report. */
export function findingsOf(report: SoakReport, rules: ExactRules): string[] {
  const { counts, stats } = report;
  const findings: string[] = [];
  const refreshEveryS = report.configuration.refreshEveryS as number;
  if (refreshEveryS > rules.accessTokenTtlS) {
    const marginS = Math.round((refreshEveryS - rules.minRefreshIntervalS) * 100) / 100;
    const slackS = Math.round((rules.accessTokenTtlS - rules.minRefreshIntervalS) * 100) / 100;
    findings.push(
      `At this time scale the workflow refreshes every ${refreshEveryS} s while an access token lives ` +
        `${rules.accessTokenTtlS} s: the safety margin on top of the rule (${marginS} s, min(2 s, 10 % of the ` +
        'rule) in workflows/container/schedule.ts earliestRefreshAt) does not shrink with the time scale like ' +
        `the ${slackS} s between the rule and the token's lifetime, so tokens lapse each cycle ` +
        `(stats.tokenAvailability.mean = ${stats.tokenAvailability.mean}). At real time: 2 s of 30 s.`,
    );
  }
  if (stats.healing.refusalsAfterTheFirst > 0) {
    findings.push(
      `${stats.healing.refusalsAfterTheFirst} time(s) a container presented a chain Exact had already refused ` +
        '(stats.healing.perBreak: refusedAtS after the first). After a failed recovery, the wait for the next ' +
        'recovery ends in refreshOnce with the broken refresh token instead of a recovery (workflows/container/' +
        'container-workflow.ts: a timed wait that is not woken falls through to the refresh): one more error ' +
        'response each time, and for a rotated chain one more old refresh token presented.',
    );
  }
  const killed = stats.pairsNotStored.withKilledWorker;
  if (killed > 0) {
    findings.push(
      `${killed} token pair(s) Exact issued never reached the journal: the worker was killed between Exact's ` +
        'answer and the journal write (stats.pairsNotStored). With grace the next refresh presents the previous ' +
        'token again; it must wait out the rule from the lost call (counts.refreshesEarlierThanRule shows whether ' +
        'one came too early).',
    );
  }
  if (counts.refreshTokensLostByUs.count > 0) {
    findings.push(
      `${counts.refreshTokensLostByUs.count} old refresh token(s) presented that no rotate break explains: ` +
        'counts.refreshTokensLostByUs.details has each container, time and its last token calls.',
    );
  }
  if (counts.refreshesEarlierThanRule.tooEarlyRefusals > 0) {
    findings.push(
      `${counts.refreshesEarlierThanRule.tooEarlyRefusals} refresh(es) Exact refused as too early: ` +
        'counts.refreshesEarlierThanRule.details lists them; compare with the faults and kills in the timeline.',
    );
  }
  if (counts.chainsNotRecovered.count > 0 || counts.containersNeedingHuman.count > 0) {
    findings.push(
      `${counts.chainsNotRecovered.count} broken chain(s) not recovered, ${counts.containersNeedingHuman.count} ` +
        'container(s) waiting for a human: see counts.chainsNotRecovered and counts.containersNeedingHuman.',
    );
  }
  if (counts.notHealthyAtEnd.length > 0) {
    findings.push(`${counts.notHealthyAtEnd.length} container(s) not healthy at the end: counts.notHealthyAtEnd.`);
  }
  if (counts.worstErrorsPerEndpointPerHour.blockedResponses > 0) {
    findings.push(
      `Exact blocked a key ${counts.worstErrorsPerEndpointPerHour.blockedResponses} time(s) for too many errors.`,
    );
  }
  if (stats.logins.failed > 0) findings.push(`${stats.logins.failed} recovery login step(s) failed (stats.logins).`);
  if (stats.healing.notHealed > 0) {
    findings.push(`${stats.healing.notHealed} deliberately broken chain(s) never got a new chain (stats.healing).`);
  }
  if ('hits' in report.leakScan && report.leakScan.hits.length > 0) {
    findings.push(`The leak scan found ${report.leakScan.hits.length} secret(s): leakScan.hits says which and where.`);
  }
  if ('hits' in report.leakScan && report.leakScan.decoded.hits.length > 0) {
    findings.push(
      `Decoded through the codec server, history shows ${report.leakScan.decoded.hits.length} secret(s) to admins: leakScan.decoded.hits says which and where.`,
    );
  }
  if (report.strayProcesses.length > 0) {
    findings.push(`${report.strayProcesses.length} process(es) of the run outlived it and were killed.`);
  }
  return findings;
}

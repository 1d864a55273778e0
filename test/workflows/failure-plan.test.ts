import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  RetryState,
  TimeoutFailure,
} from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { FAILURE_TYPES } from '../../contract/failures';
import { planAfterFailure } from '../../workflows/container/failure-plan';
import { classifyFailure, type ClassifiedFailure } from '../../workflows/container/failures';
import { resolveOptions } from '../../workflows/container/schedule';

const options = resolveOptions({ retryInitialMs: 10_000, retryMaxMs: 300_000 });
const NOW = 1_000_000;
const fresh = { retryAttempt: 0, tooEarlyStreak: 0 };
const failure = (type: string, facts: ClassifiedFailure['facts'] = {}): ClassifiedFailure => ({
  type,
  message: `${type} (test)`,
  facts,
});

describe('planAfterFailure', () => {
  it('asks a human for a broken chain, and marks the chain lost', () => {
    const plan = planAfterFailure(
      failure(FAILURE_TYPES.chainBroken, { chainBreak: 'old-refresh-token' }),
      fresh,
      options,
      NOW,
    );
    expect(plan).toMatchObject({ action: 'ask-human', chainLost: true });
    expect(plan.action === 'ask-human' && plan.reason).toMatch(/old-refresh-token.*renewAuthorization/);
  });

  it('asks a human for a misconfiguration and leaves the chain as it was, so refreshNow may retry', () => {
    const plan = planAfterFailure(failure(FAILURE_TYPES.misconfigured), fresh, options, NOW);
    expect(plan.action).toBe('ask-human');
    expect(plan).not.toHaveProperty('chainLost');
    expect(plan.action === 'ask-human' && plan.reason).toMatch(/refreshNow/);
  });

  it('marks the chain lost when not enrolled, but not for unusable input', () => {
    expect(planAfterFailure(failure(FAILURE_TYPES.notEnrolled), fresh, options, NOW)).toMatchObject({
      chainLost: true,
    });
    expect(planAfterFailure(failure(FAILURE_TYPES.invalidInput), fresh, options, NOW)).toMatchObject({
      chainLost: false,
    });
  });

  it('stops a duplicate Exact user', () => {
    expect(planAfterFailure(failure(FAILURE_TYPES.duplicateUser), fresh, options, NOW)).toEqual({
      action: 'stop-as-duplicate',
    });
  });

  it('waits out the first too-early refusal only, and backs off fully at the second in a row', () => {
    const early = failure(FAILURE_TYPES.tooEarly, { retryAfterS: 5 });
    const first = planAfterFailure(early, fresh, options, NOW);
    expect(first).toEqual({ action: 'retry', retryAttempt: 1, tooEarlyStreak: 1, atMs: NOW + 5000 });
    const second = planAfterFailure(early, { retryAttempt: 1, tooEarlyStreak: 1 }, options, NOW);
    expect(second).toEqual({ action: 'retry', retryAttempt: 2, tooEarlyStreak: 2, atMs: NOW + 20_000 });
    // Without a wait named, the rule's 570 s.
    expect(planAfterFailure(failure(FAILURE_TYPES.tooEarly), fresh, options, NOW)).toMatchObject({
      atMs: NOW + 570_000,
    });
  });

  it('backs off a transient failure, stretched to what Exact asked, and notes a possibly lost answer', () => {
    const plain = planAfterFailure(
      failure(FAILURE_TYPES.transient),
      { retryAttempt: 2, tooEarlyStreak: 1 },
      options,
      NOW,
    );
    expect(plain).toEqual({
      action: 'retry',
      retryAttempt: 3,
      tooEarlyStreak: 1,
      atMs: NOW + 40_000,
      lostAnswerAtMs: undefined,
    });
    const asked = planAfterFailure(failure(FAILURE_TYPES.rateLimited, { retryAfterS: 120 }), fresh, options, NOW);
    expect(asked).toMatchObject({ atMs: NOW + 120_000 });
    const lost = planAfterFailure(failure(FAILURE_TYPES.transient, { answerMayBeLost: true }), fresh, options, NOW);
    expect(lost).toMatchObject({ lostAnswerAtMs: NOW });
  });
});

describe('classifyFailure', () => {
  const fromActivity = (cause: Error) =>
    new ActivityFailure('activity failed', 'refreshChain', '1', RetryState.NON_RETRYABLE_FAILURE, 'worker', cause);

  it('reads the type and facts an activity attached', () => {
    const cause = ApplicationFailure.create({
      type: FAILURE_TYPES.tooEarly,
      message: 'wait',
      details: [{ retryAfterS: 7 }],
    });
    expect(classifyFailure(fromActivity(cause))).toEqual({
      type: FAILURE_TYPES.tooEarly,
      message: 'wait',
      facts: { retryAfterS: 7 },
    });
  });

  it('reads a child workflow’s failure the same way', () => {
    const cause = ApplicationFailure.create({ type: FAILURE_TYPES.loginFailed, message: 'refused' });
    const child = new ChildWorkflowFailure(
      'default',
      { workflowId: 'r', runId: 'x' },
      'chainRecovery',
      RetryState.NON_RETRYABLE_FAILURE,
      cause,
    );
    expect(classifyFailure(child)).toMatchObject({ type: FAILURE_TYPES.loginFailed, facts: {} });
  });

  it('takes a timeout as transient with a possibly lost answer', () => {
    const timeout = new TimeoutFailure('timed out', undefined, 'START_TO_CLOSE');
    expect(classifyFailure(fromActivity(timeout))).toMatchObject({
      type: FAILURE_TYPES.transient,
      facts: { tokenCallMade: true, answerMayBeLost: true },
    });
  });

  it('takes a login that died after a submit as a failed login with an unconfirmed submit', () => {
    const timeout = new TimeoutFailure('timed out', { unconfirmedSubmit: 'password' }, 'HEARTBEAT');
    const classified = classifyFailure(fromActivity(timeout));
    expect(classified.type).toBe(FAILURE_TYPES.loginFailed);
    expect(classified.facts.login).toMatchObject({
      step: 'password',
      reason: 'timeout',
      unconfirmedSubmit: 'password',
    });
  });

  it('takes anything else as transient', () => {
    expect(classifyFailure(new Error('boom'))).toMatchObject({ type: FAILURE_TYPES.transient, message: /boom/ });
  });
});

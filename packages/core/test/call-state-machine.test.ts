import { describe, expect, it } from 'vitest';
import { isBbError } from '../src/errors/index.js';
import {
  CALL_STATES,
  CallStateMachine,
  canTransition,
  isFinalState,
  type CallState,
} from '../src/call/state-machine.js';

describe('call state machine', () => {
  it('walks the happy path of a call', () => {
    const machine = new CallStateMachine();
    const path: CallState[] = ['connecting', 'waiting', 'verifying', 'connected', 'ended'];
    let previous: CallState = 'idle';
    for (const next of path) {
      expect(machine.transition(next)).toBe(previous);
      previous = next;
    }
    expect(machine.state).toBe('ended');
  });

  it('refuses an illegal transition with BB_ERR_CALL_STATE and keeps its state', () => {
    const machine = new CallStateMachine();
    let thrown: unknown;
    try {
      machine.transition('connected');
    } catch (error) {
      thrown = error;
    }
    expect(isBbError(thrown, 'BB_ERR_CALL_STATE')).toBe(true);
    expect(machine.state).toBe('idle');
  });

  it('never leaves ended or failed', () => {
    for (const final of ['ended', 'failed'] as const) {
      expect(isFinalState(final)).toBe(true);
      for (const next of CALL_STATES) {
        expect(canTransition(final, next)).toBe(false);
      }
    }
  });

  it('lets every live state end or fail, and never skips verification', () => {
    for (const state of CALL_STATES.filter((s) => !isFinalState(s))) {
      expect(canTransition(state, 'ended')).toBe(true);
      expect(canTransition(state, 'failed')).toBe(true);
    }
    expect(canTransition('connecting', 'connected')).toBe(false);
    expect(canTransition('waiting', 'connected')).toBe(false);
    expect(canTransition('verifying', 'connected')).toBe(true);
    expect(canTransition('connected', 'verifying')).toBe(false);
    expect(canTransition('idle', 'waiting')).toBe(false);
  });

  it('lets a call fall back to waiting when the other side vanishes', () => {
    expect(canTransition('connected', 'waiting')).toBe(true);
    expect(canTransition('reconnecting', 'waiting')).toBe(true);
    expect(canTransition('reconnecting', 'connected')).toBe(true);
  });
});

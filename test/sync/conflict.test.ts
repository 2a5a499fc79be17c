import { describe, expect, it } from 'vitest';
import { backoffMs, effectOfResult, mergeRemote } from '../../src/sync/conflict.js';

describe('mergeRemote', () => {
  it('drops fields with pending local ops and keeps the rest', () => {
    expect(mergeRemote({ title: 'r', stage: 's' }, new Set(['title']))).toEqual({ stage: 's' });
    expect(mergeRemote({ title: 'r' }, undefined)).toEqual({ title: 'r' });
  });
});

describe('effectOfResult', () => {
  const fields = { title: 'server', stage: 'web stage', status: 'todo' };

  it('adopts the full server state after an applied or merged op', () => {
    expect(effectOfResult({ seq: 1, status: 'merged', version: 7, fields }, new Set())).toEqual({ adopt: fields, conflicts: [], held: false });
  });

  it('keeps fields edited while the push was in flight', () => {
    expect(effectOfResult({ seq: 1, status: 'applied', version: 7, fields }, new Set(['stage'])).adopt).toEqual({ title: 'server', status: 'todo' });
  });

  it('keeps the local value of a held (manual) conflict and reports it', () => {
    const conflict = { field: 'title', local: 'mine', remote: 'server', policy: 'manual' as const, winner: 'pending' as const };
    const effect = effectOfResult({ seq: 1, status: 'conflict', version: 7, fields, conflicts: [conflict] }, new Set());
    expect(effect.held).toBe(true);
    expect(effect.adopt).toEqual({ stage: 'web stage', status: 'todo' });
    expect(effect.conflicts).toEqual([conflict]);
  });

  it('adopts a remote winner', () => {
    const conflict = { field: 'title', local: 'mine', remote: 'server', policy: 'remote-wins' as const, winner: 'remote' as const };
    expect(effectOfResult({ seq: 1, status: 'conflict', version: 7, fields, conflicts: [conflict] }, new Set()).adopt.title).toBe('server');
  });
});

describe('backoffMs', () => {
  it('grows exponentially with jitter between half and all of the step, up to the cap', () => {
    expect(backoffMs(1, { random: () => 0 })).toBe(500);
    expect(backoffMs(1, { random: () => 1 })).toBe(1_000);
    expect(backoffMs(4, { random: () => 0 })).toBe(4_000);
    expect(backoffMs(30, { random: () => 1 })).toBe(60_000);
    const spread = new Set(Array.from({ length: 20 }, () => backoffMs(3)));
    expect(spread.size).toBeGreaterThan(1);
    for (const value of spread) expect(value).toBeGreaterThanOrEqual(2_000);
  });
});

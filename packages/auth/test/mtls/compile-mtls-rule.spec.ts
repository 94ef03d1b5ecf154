import { describe, expect, it } from 'vitest';
import { RequireMtls } from '../../src/index.js';
import { compileMtlsRule, describeMtlsRule } from '../../src/internal.js';
import { thrown } from './fakes.js';

describe('compileMtlsRule', () => {
  it('sorts exact IDs, trust domains and prefixes into their own lookups', () => {
    const rule = compileMtlsRule([
      'spiffe://prod.example/ns/payments/api',
      'spiffe://ops.example',
      'spiffe://prod.example/ns/payments/*',
      'spiffe://other.example/*',
    ]);
    expect([...rule.ids]).toEqual(['spiffe://prod.example/ns/payments/api']);
    expect([...rule.trustDomains].sort()).toEqual(['ops.example', 'other.example']);
    expect(rule.prefixes).toEqual(['spiffe://prod.example/ns/payments/']);
    expect(rule.allow).toHaveLength(4);
  });

  it('treats an omitted or empty list as "any valid SPIFFE ID"', () => {
    for (const rule of [compileMtlsRule(), compileMtlsRule([])]) {
      expect(rule.allow).toEqual([]);
      expect(rule.ids.size + rule.trustDomains.size + rule.prefixes.length).toBe(0);
    }
  });

  it('copies and freezes the list, so later edits to the caller\'s array change nothing', () => {
    const allow = ['spiffe://prod.example/api'];
    const rule = compileMtlsRule(allow);
    allow.push('spiffe://evil.example/api');
    expect(rule.allow).toEqual(['spiffe://prod.example/api']);
    expect(Object.isFrozen(rule)).toBe(true);
    expect(Object.isFrozen(rule.allow)).toBe(true);
  });

  const invalid: [entry: unknown, problem: RegExp][] = [
    ['', /entry is empty/],
    ['https://prod.example/api', /must start with "spiffe:\/\/"/],
    ['SPIFFE://prod.example/api', /must start with "spiffe:\/\/"/],
    ['spiffe://Prod.Example/api', /trust domain may only contain lowercase/],
    ['spiffe://Prod.Example', /trust domain may only contain lowercase/],
    ['spiffe://prod.example/*/api', /"\*" is only allowed as a trailing "\/\*"/],
    ['spiffe://prod.example/ns/pay*', /"\*" is only allowed as a trailing "\/\*"/],
    ['spiffe://*.example', /"\*" is only allowed as a trailing "\/\*"/],
    ['spiffe://prod.example/ns/*/*', /"\*" is only allowed as a trailing "\/\*"/],
    ['spiffe://prod.example/ns/**', /"\*" is only allowed as a trailing "\/\*"/],
    ['spiffe://prod.example/api?x=1', /must not contain a query or fragment/],
    ['spiffe://prod.example/api#frag', /must not contain a query or fragment/],
    ['spiffe://prod.example/', /path is empty/],
    ['spiffe://prod.example/ns//api', /empty segment/],
    ['spiffe://prod.example/ns/../api', /"\." or "\.\." segments/],
    ['spiffe://prod.example:8443/api', /trust domain may only contain/],
    ['spiffe://', /trust domain is empty/],
    ['spiffe:///*', /trust domain is empty/],
    [42, /expected a string, got number/],
  ];

  it.each(invalid)('refuses %j, naming the entry and the problem', (entry, problem) => {
    const error = thrown(() => compileMtlsRule([entry as string]));
    expect(error).toBeInstanceOf(TypeError);
    const message = (error as TypeError).message;
    expect(message).toMatch(problem);
    const shown = typeof entry === 'string' ? JSON.stringify(entry) : String(entry);
    expect(message).toContain(`invalid mTLS allow entry ${shown}`);
  });

  it('names the bad entry, not a good one next to it', () => {
    const error = thrown(() => compileMtlsRule(['spiffe://prod.example/ok', 'spiffe://prod.example/bad*']));
    expect((error as TypeError).message).toMatch(/^invalid mTLS allow entry "spiffe:\/\/prod\.example\/bad\*"/);
  });

  it('refuses an allow that is not an array', () => {
    expect(() => compileMtlsRule('spiffe://prod.example/api' as unknown as string[])).toThrow(/must be an array/);
  });

  it('validates at decoration time: @RequireMtls throws before any class is decorated', () => {
    expect(() => RequireMtls({ allow: ['spiffe://prod.example/ns/*/api'] })).toThrow(TypeError);
    expect(() => RequireMtls({ allow: ['spiffe://prod.example/api'] })).not.toThrow();
  });
});

describe('describeMtlsRule', () => {
  it('lists the entries as written', () => {
    const rule = compileMtlsRule(['spiffe://demo.rampart.dev/orders', 'spiffe://other.example/*']);
    expect(describeMtlsRule(rule)).toBe('mTLS: spiffe://demo.rampart.dev/orders, spiffe://other.example/*');
  });

  it('says when any trusted SPIFFE ID may call', () => {
    expect(describeMtlsRule(compileMtlsRule())).toBe('mTLS: any SPIFFE ID trusted by the trust bundle');
  });
});

import { Public, type AuthDecision } from '@rampart/core';
import { effectiveDecisions } from '@rampart/core/internal';
import { describe, expect, it } from 'vitest';
import { RequireMtls } from '../../src/index.js';
import { describeMtlsRule, MTLS_DECISION, type MtlsRule } from '../../src/internal.js';

@RequireMtls({ allow: ['spiffe://prod.example/ns/payments/*'] })
class Payments {
  pay(): void {}

  @RequireMtls({ allow: ['spiffe://ops.example'] })
  refund(): void {}

  @Public()
  status(): void {}
}

class Ledger {
  @RequireMtls()
  append(): void {}

  read(): void {}
}

const mtlsOf = (decisions: readonly AuthDecision[]): string[] =>
  decisions.filter((d) => d.kind === MTLS_DECISION).map((d) => describeMtlsRule(d.options as MtlsRule));

describe('@RequireMtls', () => {
  it('records an "mtls" decision with the compiled rule', () => {
    const [decision] = effectiveDecisions(Payments, 'pay');
    expect(decision?.kind).toBe('mtls');
    expect((decision?.options as MtlsRule).prefixes).toEqual(['spiffe://prod.example/ns/payments/']);
  });

  it('on a class, applies to methods without their own', () => {
    expect(mtlsOf(effectiveDecisions(Payments, 'pay'))).toEqual(['mTLS: spiffe://prod.example/ns/payments/*']);
  });

  it('on a method, replaces the class-level rule', () => {
    expect(mtlsOf(effectiveDecisions(Payments, 'refund'))).toEqual(['mTLS: spiffe://ops.example']);
  });

  it('is replaced by a method-level @Public()', () => {
    expect(effectiveDecisions(Payments, 'status').map((d) => d.kind)).toEqual(['public']);
  });

  it('on a method only, protects that method and not its neighbours', () => {
    expect(mtlsOf(effectiveDecisions(Ledger, 'append'))).toEqual(['mTLS: any SPIFFE ID trusted by the trust bundle']);
    expect(effectiveDecisions(Ledger, 'read')).toEqual([]);
  });
});

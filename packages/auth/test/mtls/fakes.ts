import {
  createContextValues,
  ResponseMetadata,
  type CallContext,
  type CallIdentityWriter,
  type Logger,
  type MethodInfo,
  type PeerIdentity,
} from '@rampart/core';

/** A verified peer whose certificate carries `uris` as URI SANs; the SPIFFE ID is set when there is exactly one. */
export function peerWith(uris: readonly string[], overrides: Partial<PeerIdentity> = {}): PeerIdentity {
  const single = uris.length === 1 && uris[0]!.startsWith('spiffe://') ? uris[0] : undefined;
  return {
    spiffeId: single,
    trustDomain: single === undefined ? undefined : single.slice('spiffe://'.length).split('/')[0],
    uris,
    dnsNames: [],
    subject: 'O=Rampart test',
    serialNumber: '01',
    notAfter: new Date('2030-01-01T00:00:00Z'),
    thumbprint: 'AAAA',
    ...overrides,
  };
}

/** A peer presenting exactly the SPIFFE ID `id`. */
export const peer = (id: string): PeerIdentity => peerWith([id]);

export const method = (name: string, handlerName: string): MethodInfo => ({
  name,
  handlerName,
  path: `/acme.v1.Payments/${name}`,
  kind: 'unary',
  service: 'acme.v1.Payments',
});

const noop = (): void => undefined;
const logger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  fatal: noop,
  child: () => logger,
  isLevelEnabled: () => false,
};

/** A call context as the server builds it, with `peer` already filled. */
export function callContext(peerIdentity: PeerIdentity | undefined): CallContext {
  return {
    method: method('Pay', 'pay'),
    metadata: { get: () => [] },
    deadline: undefined,
    signal: new AbortController().signal,
    logger,
    requestId: 'req-1',
    peer: peerIdentity,
    principal: undefined,
    values: createContextValues(),
    responseHeaders: new ResponseMetadata('response header'),
    responseTrailers: new ResponseMetadata('response trailer'),
  };
}

/** Runs `fn` and returns what it threw (or undefined). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * The identity writer for the plain-object contexts of these unit tests (the server's own writes only the contexts
 * it made): it sets the read-only fields the way the server's does, once.
 */
export const fakeIdentity: CallIdentityWriter = {
  authenticate(ctx, principal) {
    if (ctx.principal !== undefined) throw new Error('principal already set');
    (ctx as { principal: unknown }).principal = principal;
  },
  acceptBearer(ctx, bearer) {
    (ctx as { verifiedBearer: unknown }).verifiedBearer = bearer;
  },
  withdrawPeer(ctx) {
    (ctx as { peer: unknown }).peer = undefined;
  },
};

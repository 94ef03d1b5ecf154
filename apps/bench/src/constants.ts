/**
 * The names every bench token and certificate uses. A module of its own, with no imports, so a server process that
 * needs one of them (the Rampart app's `@Authenticated` scope) loads nothing else: `fixtures.ts` pulls in the test
 * PKI (`@rampart/testing`, `@peculiar/x509`, undici), which would otherwise sit in that server's heap and be
 * measured as Rampart's.
 */

/** The issuer every bench token names (keys come from a JWKS file, no network). */
export const BENCH_ISSUER = 'https://issuer.bench.rampart.dev';
export const BENCH_AUDIENCE = 'bench';
export const BENCH_SCOPE = 'bench:call';
/** The SPIFFE ID (path in the test trust domain) of the load generator's client certificate. */
export const BENCH_CLIENT = '/bench-client';

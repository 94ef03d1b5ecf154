import { rotateKeys } from '@rampart/issuer';
import { CLEAN_LINK } from '../proxy/link-faults.js';
import type { Fault, FaultContext } from './fault.js';

/**
 * Between publishing a key and signing with it: twice the verifiers' JWKS refresh (RAMPART_AUTH_JWKS_REFRESH_MS in the
 * system, 10 s) plus a margin, since a refresh that fell on the issuer's restart failed and is tried again later.
 */
const JWKS_REFRESH_WAIT_MS = 22_000;

async function restartIssuer({ system, log }: FaultContext, why: string): Promise<void> {
  const cluster = system.cluster;
  if (!cluster) return;
  const began = Date.now();
  await cluster.stopIssuer();
  await cluster.startIssuer();
  log(`issuer restarted (${why}) in ${((Date.now() - began) / 1_000).toFixed(1)} s`);
}

/**
 * The documented key rotation (`rotate-keys`): publish a new key, wait until verifiers have refreshed their JWKS,
 * sign with it, and (full run) retire the old key once every token it signed has expired; the issuer is restarted
 * after each step, as the procedure says.
 */
export const jwksRotation: Fault = {
  name: 'JWKS signing key rotation',
  planned: true,
  allowed: [],
  expected: 'no valid call fails: verifiers know the new key before it signs; the old one stays published until its tokens expire',
  quick: true,
  async run(ctx) {
    const file = ctx.system.cluster?.issuerKeysFile;
    if (!file) return;
    const step = async (retireAfterSec?: number) => {
      const result = await rotateKeys(file, retireAfterSec === undefined ? {} : { retireAfterSec });
      ctx.log(`rotate-keys: ${result.stage}, signing ${result.signingKid.slice(0, 8)}…, published ${result.publishedKids.length}`);
      await restartIssuer(ctx, `key rotation: ${result.stage}`);
    };
    await step();
    await new Promise((r) => setTimeout(r, JWKS_REFRESH_WAIT_MS));
    await step();
    if (ctx.quick) {
      await ctx.pause(5_000);
      return;
    }
    // Retire the old key once every token it signed has expired (lifetime + a margin).
    await ctx.pause((ctx.tokenTtlSec + 5) * 1_000);
    await step(ctx.tokenTtlSec + 5);
    await ctx.pause(5_000);
  },
};

/** The issuer down for longer than a token lives, then back. */
export const issuerDown: Fault = {
  name: 'issuer down > token lifetime',
  planned: false,
  allowed: ['UNAVAILABLE', 'WRONG_ANSWER'],
  expected:
    'calls go on with cached tokens (verifiers keep their keys); from 5 s before a caller\'s token expires it has none to send: its calls fail UNAVAILABLE "could not get a token" (imports report orders rejected: orders cannot exchange tokens either) until the issuer is back, then within the token client\'s backoff cap (5 s)',
  quick: false,
  async run({ system, pause, log, tokenTtlSec }) {
    const down = (tokenTtlSec + 15) * 1_000;
    await system.cluster?.stopIssuer();
    log(`issuer stopped for ${down / 1_000} s (tokens live ${tokenTtlSec} s)`);
    await pause(down);
    await system.cluster?.startIssuer();
    log('issuer back');
    await pause(8_000);
  },
};

/** Every answer of the issuer seconds late (its proxy holds each chunk a second each way). */
export const issuerSlow: Fault = {
  name: 'issuer slow (2 s per round trip)',
  planned: false,
  allowed: ['UNAVAILABLE', 'DEADLINE_EXCEEDED'],
  expected:
    'tokens in hand keep working and verifiers keep their keys; a token request on a new connection takes several round trips (TCP, TLS, the request) and can pass the token client\'s 5 s timeout: calls that need a new token now (one-time tokens) fail UNAVAILABLE "could not get a token", or DEADLINE_EXCEEDED when the wait for the token used up their deadline; refreshes are tried again until one gets through',
  quick: false,
  async run({ system, pause, log }) {
    await system.issuerProxy?.set({ ...CLEAN_LINK, latencyMs: 1_000 });
    log('issuer link: 1 s each way');
    await pause(20_000);
    await system.issuerProxy?.set(CLEAN_LINK);
    await pause(3_000);
  },
};

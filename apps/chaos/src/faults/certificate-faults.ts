import type { Fault } from './fault.js';

const SERVERS = ['inventory', 'orders', 'issuer'] as const;

/** Server certificates and keys replaced by rename, one workload after another. */
export const serverRotationAtomic: Fault = {
  name: 'server cert rotation (atomic)',
  planned: true,
  allowed: [],
  expected: 'no valid call fails: new connections get the new certificate, open ones keep going',
  quick: false,
  async run({ system, pause, log }) {
    for (const name of SERVERS) {
      await system.pki?.reissue(name, 'atomic', 0);
      log(`${name}: new certificate and key renamed into place`);
      await pause(2_000);
    }
  },
};

/** Certificate, then key, then bundle, each written in place with a pause longer than the refresh between. */
export const serverRotationInPlace: Fault = {
  name: 'server cert rotation (in place)',
  planned: true,
  allowed: [],
  expected: 'no valid call fails: while certificate and key do not match, servers keep the last good pair',
  quick: true,
  async run({ system, pause, log }) {
    for (const name of SERVERS) {
      await system.pki?.reissue(name, 'in-place', 2_500);
      log(`${name}: certificate, key and bundle written in place, 2.5 s apart`);
      await pause(1_500);
    }
  },
};

/** The load client's certificate and key replaced (its channels and token client re-read them). */
export const clientRotation: Fault = {
  name: 'client cert rotation',
  planned: true,
  allowed: [],
  expected: 'no valid call fails: a token is bound to the certificate of the connection it is sent on',
  quick: true,
  async run({ system, pause, log }) {
    await system.pki?.reissue('load-client', 'atomic', 0);
    log('load-client: new certificate and key renamed into place');
    await pause(8_000);
  },
};

/** A new CA beside the old (overlap bundle), every workload moved to it, then the old CA removed. */
export const caRotation: Fault = {
  name: 'CA rotation',
  planned: true,
  allowed: [],
  expected: 'no valid call fails: the overlap bundle trusts both CAs while certificates move over',
  quick: false,
  async run({ system, pause, log }) {
    await system.pki?.addCa();
    log(`bundle: ${system.pki?.bundleNames.join(' + ') ?? ''}`);
    await pause(4_000);
    await system.pki?.switchCa('atomic', 0);
    log('every workload has a certificate from the new CA');
    await pause(6_000);
    await system.pki?.removeOldCa();
    log(`bundle: ${system.pki?.bundleNames.join(' + ') ?? ''} (old CA removed)`);
    await pause(4_000);
  },
};

/** SIGHUP to every server after an in-place rotation: certificates and bundles re-read at once, nobody exits. */
export const reloadSignal: Fault = {
  name: 'reload signal (SIGHUP)',
  planned: true,
  allowed: [],
  expected: 'no valid call fails and no process exits: SIGHUP re-reads certificates and trust bundles',
  quick: true,
  async run({ system, pause, log }) {
    for (const name of SERVERS) await system.pki?.reissue(name, 'atomic', 0);
    const targets = [...system.running('inventory'), ...system.running('orders')].map((r) => r.process);
    if (system.cluster?.issuer) targets.push(system.cluster.issuer);
    for (const p of targets) p.child.kill('SIGHUP');
    log(`SIGHUP sent to ${targets.map((p) => p.name).join(', ')}`);
    await pause(3_000);
    const gone = targets.filter((p) => !p.running).map((p) => p.name);
    if (gone.length > 0) throw new Error(`SIGHUP ended ${gone.join(', ')}`);
  },
};

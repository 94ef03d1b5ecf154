import { createCa, issueCertificate, type CertificateAuthority, type DevPkiPaths } from '@rampart/pki';
import { TRUST_DOMAIN, spiffeId } from '@rampart/rollout';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How rotated files are written. */
export type WriteMode =
  /** Each file written beside and renamed over the old one (what cert-manager's CSI driver and kubelet do). */
  | 'atomic'
  /** Each file truncated and written in place, certificate, then key, then bundle, with a pause between (spiffe-helper). */
  | 'in-place';

interface WorkloadSpec {
  readonly name: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

/**
 * The run's PKI, laid out as {@link DevPkiPaths} (so the rollout's cluster takes it) but able to rotate: every
 * workload's certificate and key, the CA behind them (old + new bundle, then the new alone), written atomically or
 * in place. A foreign CA of the same trust domain issues certificates nobody trusts, for the invalid callers.
 */
export class ChaosPki {
  readonly paths: DevPkiPaths;
  #signing: CertificateAuthority;
  #bundle: CertificateAuthority[];
  #generation = 1;

  private constructor(
    readonly dir: string,
    private readonly specs: readonly WorkloadSpec[],
    ca: CertificateAuthority,
    readonly foreignCa: CertificateAuthority,
  ) {
    this.#signing = ca;
    this.#bundle = [ca];
    const workloads = Object.fromEntries(
      specs.map((w) => [w.name, { cert: join(dir, `${w.name}.pem`), key: join(dir, `${w.name}-key.pem`), chain: join(dir, `${w.name}-chain.pem`), spiffeId: spiffeId(w.name) }]),
    );
    this.paths = { dir, caCert: join(dir, 'bundle.pem'), caKey: join(dir, 'ca-key.pem'), workloads };
  }

  /** A CA and a certificate for each workload (the issuer's names its address), written to `dir`. */
  static async create(dir: string, issuerAddress: string): Promise<ChaosPki> {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const ca = await createCa({ commonName: 'Rampart chaos CA 1', trustDomain: TRUST_DOMAIN, validityDays: 2 });
    const foreign = await createCa({ commonName: 'Foreign CA', trustDomain: TRUST_DOMAIN, validityDays: 2 });
    const specs: WorkloadSpec[] = [
      { name: 'issuer', dnsNames: ['localhost'], ipAddresses: [issuerAddress, '127.0.0.1'] },
      { name: 'inventory', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] },
      { name: 'orders', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] },
      { name: 'load-client', dnsNames: [], ipAddresses: [] },
    ];
    const pki = new ChaosPki(dir, specs, ca, foreign);
    writeFileSync(pki.paths.caCert, ca.certPem, { mode: 0o644 });
    for (const spec of specs) await pki.reissue(spec.name, 'atomic', 0);
    return pki;
  }

  /** The certificates in the trust bundle now, by common name. */
  get bundleNames(): string[] {
    return this.#bundle.map((ca) => ca.name);
  }

  /** A new certificate and key for `name` from the signing CA, written the given way. */
  async reissue(name: string, mode: WriteMode, pauseMs: number): Promise<void> {
    const spec = this.specs.find((s) => s.name === name);
    const files = this.paths.workloads[name];
    if (!spec || !files) throw new Error(`no workload ${name}`);
    const issued = await issueCertificate(this.#signing, { spiffeId: spiffeId(name), dnsNames: spec.dnsNames, ipAddresses: spec.ipAddresses, validityHours: 24 });
    await this.#write(files.cert, issued.certPem, mode, 0o644);
    await this.#write(files.chain, issued.chainPem, mode, 0o644);
    if (mode === 'in-place') await pause(pauseMs);
    await this.#write(files.key, issued.keyPem, mode, 0o600);
    if (mode === 'in-place') {
      await pause(pauseMs);
      await this.#write(this.paths.caCert, this.#bundlePem(), mode, 0o644);
    }
  }

  /** Step 1 of a CA rotation: a new CA, trusted beside the old one (the overlap bundle); the old one still signs. */
  async addCa(): Promise<void> {
    this.#generation += 1;
    const next = await createCa({ commonName: `Rampart chaos CA ${this.#generation}`, trustDomain: TRUST_DOMAIN, validityDays: 2 });
    this.#bundle = [...this.#bundle, next];
    await this.#write(this.paths.caCert, this.#bundlePem(), 'atomic', 0o644);
  }

  /** Step 2: the new CA signs; every workload gets a certificate from it. */
  async switchCa(mode: WriteMode, pauseMs: number): Promise<void> {
    const next = this.#bundle.at(-1);
    if (!next || next === this.#signing) throw new Error('addCa first');
    this.#signing = next;
    for (const spec of this.specs) await this.reissue(spec.name, mode, pauseMs);
  }

  /** Step 3: the old CA leaves the bundle. */
  async removeOldCa(): Promise<void> {
    this.#bundle = [this.#signing];
    await this.#write(this.paths.caCert, this.#bundlePem(), 'atomic', 0o644);
  }

  /** A certificate for `name` from the foreign CA (not in any bundle), with its key, as PEM. */
  foreignCertificate(name: string): Promise<{ chainPem: string; keyPem: string }> {
    return issueCertificate(this.foreignCa, { spiffeId: spiffeId(name), validityHours: 24 });
  }

  #bundlePem(): string {
    return this.#bundle.map((ca) => ca.certPem.trimEnd()).join('\n') + '\n';
  }

  async #write(path: string, content: string, mode: WriteMode, fileMode: number): Promise<void> {
    if (mode === 'in-place') {
      writeFileSync(path, content, { mode: fileMode });
      return;
    }
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, content, { mode: fileMode });
    renameSync(temp, path);
    await Promise.resolve();
  }
}

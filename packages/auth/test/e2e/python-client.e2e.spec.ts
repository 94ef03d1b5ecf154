// Rampart speaks standard TLS: a Python grpcio client with openssl-made certificates passes and fails the same
// cases as the TypeScript client. Needs Debian's python3-grpcio and openssl (.ci/run installs them and sets
// RAMPART_REQUIRE_PYTHON_GRPC=1 so the test cannot silently skip there).
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestApp, type TestApp } from '@rampart/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ORDERS, ran, VaultService } from './vault-service.js';
import { vaultApp } from './vault-app.js';

const PYTHON = '/usr/bin/python3';
const execFileAsync = promisify(execFile);
const available =
  spawnSync(PYTHON, ['-c', 'import grpc'], { stdio: 'ignore' }).status === 0 &&
  spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
if (!available && process.env.RAMPART_REQUIRE_PYTHON_GRPC) {
  throw new Error('python3-grpcio and openssl are required here (RAMPART_REQUIRE_PYTHON_GRPC is set) but missing');
}

const script = fileURLToPath(new URL('./python/vault_client.py', import.meta.url));

describe.skipIf(!available)('a Python grpcio client with openssl-made certificates', () => {
  let t: TestApp;
  let dir: string;
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

  /** Makes an EC P-256 client certificate with openssl, signed by the given CA files. */
  function opensslClientCert(name: string, uri: string, caCert: string, caKey: string): void {
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`);
    openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`);
    writeFileSync(
      file(`${name}.ext`),
      `subjectAltName=URI:${uri}\nextendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=critical,CA:FALSE\n`,
    );
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', caCert, '-CAkey', caKey, '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
  }

  /** Runs the Python client (asynchronously: the server under test lives in this process's event loop). */
  async function runPython(...certAndKey: string[]): Promise<string[]> {
    const { stdout } = await execFileAsync(PYTHON, [script, `127.0.0.1:${t.port}`, file('ca.pem'), ...certAndKey], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    return stdout.trim().split('\n');
  }

  beforeAll(async () => {
    t = await startTestApp(vaultApp([VaultService]));
    dir = mkdtempSync(join(tmpdir(), 'rampart-python-'));
    writeFileSync(file('ca.pem'), t.pki!.ca.certPem);
    writeFileSync(file('ca-key.pem'), t.pki!.ca.keyPem, { mode: 0o600 });
    opensslClientCert('orders', ORDERS, 'ca.pem', 'ca-key.pem');
    opensslClientCert('payments', 'spiffe://test.rampart.dev/payments', 'ca.pem', 'ca-key.pem');
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'rogue-ca.key', '-out', 'rogue-ca.pem', '-subj', '/CN=rogue', '-days', '1');
    opensslClientCert('rogue', ORDERS, 'rogue-ca.pem', 'rogue-ca.key');
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    ran.length = 0;
  });

  it('an allowed workload certificate passes, for unary and server streaming', async () => {
    expect(await runPython(file('orders.pem'), file('orders.key'))).toEqual(['Read OK', 'Watch OK 2']);
    expect(ran).toEqual(['read', 'watch']);
  });

  it('no client certificate → UNAUTHENTICATED, no handler ran', async () => {
    expect(await runPython()).toEqual(['Read UNAUTHENTICATED', 'Watch UNAUTHENTICATED']);
    expect(ran).toEqual([]);
  });

  it('a certificate from an untrusted CA → UNAUTHENTICATED, no handler ran', async () => {
    expect(await runPython(file('rogue.pem'), file('rogue.key'))).toEqual(['Read UNAUTHENTICATED', 'Watch UNAUTHENTICATED']);
    expect(ran).toEqual([]);
  });

  it('a trusted certificate with another SPIFFE ID → PERMISSION_DENIED, no handler ran', async () => {
    expect(await runPython(file('payments.pem'), file('payments.key'))).toEqual(['Read PERMISSION_DENIED', 'Watch PERMISSION_DENIED']);
    expect(ran).toEqual([]);
  });
});

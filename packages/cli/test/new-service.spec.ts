import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDevPki } from '@rampart/pki';
import { afterAll, describe, expect, it } from 'vitest';
import { manifestProblems, renderKustomization } from '@rampart/kubernetes-manifests';
import { recipeProblems, ignoreProblems } from './dockerfile-rules.js';
import { rampart, removeTempDirs, snapshot, tempDir, workspaceSkeleton } from './helpers.js';

afterAll(removeTempDirs);

const APP_FILES = [
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'vitest.config.ts',
  'README.md',
  'config/dev.json',
  'src/app.ts',
  'src/main.ts',
  'src/index.ts',
  'src/payments-service.ts',
  'src/item-store.ts',
  'test/payments.spec.ts',
  'Dockerfile',
];

describe('rampart new service (monorepo)', () => {
  it('writes the proto, the app, the workload certificate and the issuer client, keeping existing workloads', async () => {
    const root = workspaceSkeleton();
    const pkiDir = join(root, '.rampart', 'pki');
    await ensureDevPki({ dir: pkiDir, trustDomain: 'demo.rampart.dev', workloads: [{ name: 'orders' }, { name: 'demo-client', dnsNames: [] }] });
    const before = snapshot(pkiDir);
    writeFileSync(join(root, 'rampart.config.json'), '{ "protoPackagePrefix": "rampart.demo", "trustDomain": "demo.rampart.dev" }\n');

    const run = await rampart(['new', 'service', 'payments', '--root', root, '--no-install'], root);
    expect(run.code, run.err).toBe(0);
    expect(run.err).not.toContain('note: no workspace setting');
    expect(run.err).toContain('wrote proto/rampart/demo/payments/v1/payments.proto');
    expect(run.err).toContain('pnpm --filter @rampart/payments test');

    const proto = readFileSync(join(root, 'proto/rampart/demo/payments/v1/payments.proto'), 'utf8');
    expect(proto).toContain('package rampart.demo.payments.v1;');
    expect(proto).toContain('service PaymentsService {');
    for (const rpc of ['rpc GetItem(GetItemRequest) returns (Item);', 'rpc ListItems(ListItemsRequest) returns (stream Item);', 'rpc ImportItems(stream Item) returns (ImportItemsResponse);', 'rpc SyncItems(stream Item) returns (stream Item);']) {
      expect(proto).toContain(rpc);
    }
    const app = join(root, 'apps', 'payments');
    for (const file of APP_FILES) expect(existsSync(join(app, file)), file).toBe(true);
    const service = readFileSync(join(app, 'src/payments-service.ts'), 'utf8');
    expect(service).toContain("@GrpcService(PaymentsServiceDescriptor)\n@RequireMtls()\n@Authenticated({ scopes: [READ_SCOPE] })\nexport class PaymentsService {");
    expect(service).toContain("@Authenticated({ scopes: [WRITE_SCOPE] })\n  async importItems(");
    expect(readFileSync(join(app, 'src/app.ts'), 'utf8')).toContain('export function paymentsAppOptions()');
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { name: string; scripts: Record<string, string>; dependencies: Record<string, string> };
    expect(pkg.name).toBe('@rampart/payments');
    expect(pkg.scripts['generate']).toBe('rampart-codegen --proto-root ../../proto --out src/generated rampart/demo/payments/v1/payments.proto');
    expect(pkg.dependencies['@rampart/auth']).toBe('workspace:*');
    expect(pkg.scripts['dev']).toBe('RAMPART_CONFIG=config/dev.json RAMPART_LOG_FORMAT=pretty node dist/main.js');
    expect(readFileSync(join(app, 'README.md'), 'utf8')).toContain('| `log.format` | `RAMPART_LOG_FORMAT` | `pretty` (set by the `dev` script; default `auto`) |');
    const config = JSON.parse(readFileSync(join(app, 'config/dev.json'), 'utf8')) as { transport: { tls: { certFile: string } }; auth: { tokens: { audience: string } } };
    expect(config.transport.tls.certFile).toBe('../../.rampart/pki/payments-chain.pem');
    expect(config.auth.tokens.audience).toBe('spiffe://demo.rampart.dev/payments');
    const spec = readFileSync(join(app, 'test/payments.spec.ts'), 'utf8');
    expect(spec).toContain('startTestApp');
    expect(spec).toContain('Status.UNAUTHENTICATED');
    const dockerfile = readFileSync(join(app, 'Dockerfile'), 'utf8');
    expect(recipeProblems(dockerfile)).toEqual([]);
    expect(dockerfile).toContain('docker build -f apps/payments/Dockerfile');
    expect(dockerfile).toContain('RUN npm install --global --no-fund --no-audit pnpm@10.34.9');
    expect(dockerfile).toContain('--filter @rampart/payments deploy --prod /out');
    const manifests = renderKustomization(join(app, 'deploy/kubernetes'));
    expect(manifests.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      ['Deployment/payments', 'NetworkPolicy/payments', 'PodDisruptionBudget/payments', 'Role/payments-svid', 'RoleBinding/payments-svid', 'Service/payments', 'ServiceAccount/payments'],
    );
    expect(manifestProblems(manifests)).toEqual([]);
    const deployment = manifests.find((o) => o.kind === 'Deployment')!['spec'] as { template: { spec: { serviceAccountName: string; volumes: { name: string; csi?: { driver: string } }[] } } };
    expect(deployment.template.spec.volumes.find((v) => v.name === 'tls')?.csi?.driver).toBe('spiffe.csi.cert-manager.io'); // the ID follows the ServiceAccount
    const binding = manifests.find((o) => o.kind === 'RoleBinding')!['subjects'] as { name: string }[];
    expect(binding.map((b) => b.name)).toEqual([deployment.template.spec.serviceAccountName]);

    const cert = new X509Certificate(readFileSync(join(pkiDir, 'payments.pem')));
    expect(cert.subjectAltName).toContain('URI:spiffe://demo.rampart.dev/payments');
    expect(cert.checkIssued(new X509Certificate(readFileSync(join(pkiDir, 'ca.pem'))))).toBe(true);
    const after = snapshot(pkiDir);
    for (const [file, content] of Object.entries(before)) expect(after[file], file).toBe(content); // orders, demo-client, CA untouched

    const clients = JSON.parse(readFileSync(join(root, '.rampart/issuer/clients.json'), 'utf8')) as { issuer: { clients: { client_id: string; resources: Record<string, string[]> }[] } };
    expect(clients.issuer.clients.map((c) => c.client_id)).toEqual(['payments', 'demo-client']);
    expect(clients.issuer.clients[1]?.resources['spiffe://demo.rampart.dev/payments']).toEqual(['payments:read', 'payments:write']);
  });

  it('includes only the requested call kinds, with the package and trust domain given (flags win over the settings)', async () => {
    const root = workspaceSkeleton();
    writeFileSync(join(root, 'rampart.config.json'), '{ "protoPackagePrefix": "other.prefix", "trustDomain": "other.example" }\n');
    const run = await rampart(['new', 'service', 'ledger-sync', '--root', root, '--no-install', '--kinds', 'bidi', '--proto-package', 'acme.ledger.v2', '--trust-domain', 'prod.acme.test'], root);
    expect(run.code, run.err).toBe(0);
    const proto = readFileSync(join(root, 'proto/acme/ledger/v2/ledger_sync.proto'), 'utf8');
    expect(proto).toContain('service LedgerSyncService {\n  // Stores each item');
    expect(proto).not.toContain('GetItem');
    const service = readFileSync(join(root, 'apps/ledger-sync/src/ledger-sync-service.ts'), 'utf8');
    expect(service).toContain('@Authenticated({ scopes: [WRITE_SCOPE] })\nexport class LedgerSyncService');
    expect(readFileSync(join(root, 'apps/ledger-sync/src/app.ts'), 'utf8')).toContain('export function ledgerSyncAppOptions()');
    expect(readFileSync(join(root, '.rampart/pki/ledger-sync.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
    expect(new X509Certificate(readFileSync(join(root, '.rampart/pki/ledger-sync.pem'))).subjectAltName).toContain('spiffe://prod.acme.test/ledger-sync');
  });

  it('refuses an existing app folder and changes nothing', async () => {
    const root = workspaceSkeleton();
    mkdirSync(join(root, 'apps', 'payments', 'src'), { recursive: true });
    writeFileSync(join(root, 'apps', 'payments', 'src', 'mine.ts'), 'export const mine = 1;\n');
    const before = snapshot(root);
    const run = await rampart(['new', 'service', 'payments', '--root', root, '--no-install'], root);
    expect(run.code).toBe(1);
    expect(run.err).toContain('apps/payments/ already exists: nothing was written');
    expect(snapshot(root)).toEqual(before);
    expect(existsSync(join(root, '.rampart'))).toBe(false);
  });

  it('refuses an existing proto file and changes nothing', async () => {
    const root = workspaceSkeleton();
    mkdirSync(join(root, 'proto/payments/v1'), { recursive: true });
    writeFileSync(join(root, 'proto/payments/v1/payments.proto'), 'syntax = "proto3";\n');
    const before = snapshot(root);
    const run = await rampart(['new', 'service', 'payments', '--root', root, '--no-install'], root);
    expect(run.code).toBe(1);
    expect(run.err).toContain('proto/payments/v1/payments.proto already exists');
    expect(snapshot(root)).toEqual(before);
    expect(existsSync(join(root, 'apps', 'payments'))).toBe(false);
  });

  it('refuses a name whose package already exists in the workspace', async () => {
    const root = workspaceSkeleton();
    mkdirSync(join(root, 'packages', 'auth'), { recursive: true });
    writeFileSync(join(root, 'packages', 'auth', 'package.json'), '{ "name": "@rampart/auth" }\n');
    const run = await rampart(['new', 'service', 'auth', '--root', root, '--no-install'], root);
    expect(run.code).toBe(1);
    expect(run.err).toContain('already has a package named @rampart/auth (packages/auth)');
    expect(existsSync(join(root, 'apps', 'auth'))).toBe(false);
  });

  it('runs pnpm install with progress after writing (the pnpm that started it), and says when it cannot build', async () => {
    const root = workspaceSkeleton();
    const fakePnpm = join(tempDir(), 'pnpm.cjs');
    writeFileSync(fakePnpm, "require('node:fs').writeFileSync(require('node:path').join(process.cwd(), 'install-args.txt'), process.argv.slice(2).join(' '));\n");
    const run = await rampart(['new', 'service', 'payments', '--root', root], root, { npm_execpath: fakePnpm });
    expect(run.code, run.err).toBe(0);
    expect(readFileSync(join(root, 'install-args.txt'), 'utf8')).toBe('install --prefer-offline');
    expect(run.err).toMatch(/pnpm install \(links the new workspace package\): done in \d+\.\d s/);
    expect(run.err).toContain('skipping the build (run "pnpm turbo run build --filter=@rampart/payments...")');
  });

  it('refuses to run outside a workspace without --standalone', async () => {
    const run = await rampart(['new', 'service', 'payments'], tempDir());
    expect(run.code).toBe(1);
    expect(run.err).toContain('not inside a pnpm workspace');
  });
});

describe('rampart new service in a workspace whose proto folder is a package', () => {
  it('depends on that package and takes PROTO_ROOT from it, so the protos travel with a deployed app', async () => {
    const root = workspaceSkeleton();
    writeFileSync(join(root, 'proto', 'package.json'), '{ "name": "@acme/protos", "private": true }\n');
    const run = await rampart(['new', 'service', 'payments', '--root', root, '--no-install'], root);
    expect(run.code, run.err).toBe(0);
    const app = join(root, 'apps', 'payments');
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; files: string[] };
    expect(pkg.dependencies['@acme/protos']).toBe('workspace:*');
    expect(pkg.files).toEqual(['dist']);
    const source = readFileSync(join(app, 'src/app.ts'), 'utf8');
    expect(source).toContain("import { PROTO_ROOT } from '@acme/protos';");
    expect(source).not.toContain('../../../proto');
  });
});

describe('rampart new service --standalone', () => {
  it('writes a self-contained project on the published packages, with its own proto folder and dev PKI', async () => {
    const dir = join(tempDir(), 'billing');
    const run = await rampart(['new', 'service', 'billing', '--standalone', dir, '--kinds', 'unary'], tempDir());
    expect(run.code, run.err).toBe(0);
    expect(run.err).not.toContain('pnpm install (links');
    expect(run.err).toContain(`cd ${dir}`);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(pkg.name).toBe('billing');
    expect(pkg.dependencies['@rampart/server']).toBe(`^${version}`);
    expect(pkg.devDependencies['@rampart/testing']).toBe(`^${version}`);
    expect(pkg.scripts['generate']).toBe('rampart-codegen --proto-root proto --out src/generated billing/v1/billing.proto');
    expect(existsSync(join(dir, 'proto/billing/v1/billing.proto'))).toBe(true);
    expect(readFileSync(join(dir, 'src/app.ts'), 'utf8')).toContain("new URL('../proto', import.meta.url)");
    expect(readFileSync(join(dir, 'tsconfig.json'), 'utf8')).not.toContain('tsconfig.base.json');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toContain('.rampart/');
    expect(recipeProblems(readFileSync(join(dir, 'Dockerfile'), 'utf8'))).toEqual([]);
    expect(ignoreProblems(readFileSync(join(dir, '.dockerignore'), 'utf8'))).toEqual([]);
    expect(existsSync(join(dir, '.rampart/pki/billing-chain.pem'))).toBe(true);
  });

  it('refuses a folder that is not empty', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'keep.txt'), 'mine\n');
    const before = snapshot(dir);
    const run = await rampart(['new', 'service', 'billing', '--standalone', dir], dir);
    expect(run.code).toBe(1);
    expect(run.err).toContain('(not empty)');
    expect(snapshot(dir)).toEqual(before);
  });
});

import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rampart, removeTempDirs, snapshot, tempDir, workspaceSkeleton } from './helpers.js';

afterAll(removeTempDirs);

const audienceOf = (app: string): string =>
  (JSON.parse(readFileSync(join(app, 'config/dev.json'), 'utf8')) as { auth: { tokens: { audience: string } } }).auth.tokens.audience;

describe('rampart new service: proto package and trust domain from the workspace settings', () => {
  it('with no setting and no flag: nothing demo-specific, <name>.v1 and the example.org placeholder, and says how to set them', async () => {
    const root = workspaceSkeleton();
    const run = await rampart(['new', 'service', 'payments', '--root', root, '--no-install'], root);
    expect(run.code, run.err).toBe(0);
    const proto = readFileSync(join(root, 'proto/payments/v1/payments.proto'), 'utf8');
    expect(proto).toContain('package payments.v1;');
    const app = join(root, 'apps', 'payments');
    expect(readFileSync(join(app, 'src/payments-service.ts'), 'utf8')).toContain('binds\n * the class to `payments.v1.PaymentsService` by its generated descriptor');
    expect(audienceOf(app)).toBe('spiffe://example.org/payments');
    const everything = Object.values(snapshot(root)).join('\n');
    expect(everything).not.toContain('rampart.demo');
    expect(everything).not.toContain('demo.rampart.dev');
    expect(run.err).toContain('proto package payments.v1: derived from the name (pass --proto-package acme.shop.payments.v1, or set "protoPackagePrefix")');
    expect(run.err).toContain('trust domain example.org: a placeholder (pass --trust-domain <your domain>, or set "trustDomain")');
    expect(run.err).toContain('settings go in rampart.config.json (or a "rampart" key in package.json) at the workspace root');
  });

  it('takes them from the "rampart" key of the root package.json', async () => {
    const root = workspaceSkeleton();
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'ws', private: true, rampart: { protoPackagePrefix: 'acme.shop', trustDomain: 'prod.acme.test' } }));
    const run = await rampart(['new', 'service', 'gift-cards', '--root', root, '--no-install'], root);
    expect(run.code, run.err).toBe(0);
    expect(readFileSync(join(root, 'proto/acme/shop/gift_cards/v1/gift_cards.proto'), 'utf8')).toContain('package acme.shop.gift_cards.v1;');
    expect(audienceOf(join(root, 'apps', 'gift-cards'))).toBe('spiffe://prod.acme.test/gift-cards');
    expect(new X509Certificate(readFileSync(join(root, '.rampart/pki/gift-cards.pem'))).subjectAltName).toContain('spiffe://prod.acme.test/gift-cards');
    expect(run.err).not.toContain('note: no workspace setting');
  });

  it('a standalone service takes them from rampart.config.json in the current directory or above', async () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'rampart.config.json'), '{ "protoPackagePrefix": "acme.billing", "trustDomain": "prod.acme.test" }\n');
    const cwd = join(parent, 'services');
    mkdirSync(cwd);
    const run = await rampart(['new', 'service', 'billing', '--standalone', 'billing', '--kinds', 'unary', '--no-install'], cwd);
    expect(run.code, run.err).toBe(0);
    const dir = join(cwd, 'billing');
    expect(existsSync(join(dir, 'proto/acme/billing/billing/v1/billing.proto'))).toBe(true);
    expect(audienceOf(dir)).toBe('spiffe://prod.acme.test/billing');
  });

  it.each([
    ['{ "trustDomain": "prod.acme.test", "protoPrefix": "acme" }', 'unknown key "protoPrefix" (known: protoPackagePrefix, trustDomain)'],
    ['{ "trustDomain": 42 }', 'trustDomain must be a non-empty string'],
    ['{ "trustDomain": ', 'is not valid JSON'],
    ['{ "trustDomain": "Bad Domain" }', 'invalid trust domain "Bad Domain"'],
  ])('refuses a bad rampart.config.json %s and writes nothing', async (content, message) => {
    const root = workspaceSkeleton();
    writeFileSync(join(root, 'rampart.config.json'), content);
    const before = snapshot(root);
    const run = await rampart(['new', 'service', 'payments', '--root', root, '--no-install'], root);
    expect(run.code).not.toBe(0);
    expect(run.err).toContain(message);
    expect(snapshot(root)).toEqual(before);
  });

  it('refuses --proto-package and --package together', async () => {
    const root = workspaceSkeleton();
    const run = await rampart(['new', 'service', 'payments', '--root', root, '--no-install', '--proto-package', 'a.v1', '--package', 'b.v1'], root);
    expect(run.code).toBe(2);
    expect(run.err).toContain('give --proto-package or --package (its old name), not both');
  });
});

import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const repo = join(here, '..', '..');
const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** Runs check.mjs (what `pnpm lint` runs) on a workspace; its exit status and output. */
function check(root: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [join(here, 'check.mjs'), '--root', root, '--against', join(here, 'baseline.json')], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** A copy of the repository's buf.yaml and checked .proto folders, to change without touching the real ones. */
function copyOfRepo(): string {
  const root = mkdtempSync(join(tmpdir(), 'proto-checks-test-'));
  made.push(root);
  cpSync(join(repo, 'buf.yaml'), join(root, 'buf.yaml'));
  for (const dir of ['proto/rampart', 'proto/buf', 'apps/bench/proto', 'apps/rollout/proto']) cpSync(join(repo, dir), join(root, dir), { recursive: true });
  return root;
}

/** Replaces `from` with `to` in a file of the copy, checking that it was there. */
function edit(root: string, file: string, from: string, to: string): void {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

const INVENTORY = 'proto/rampart/demo/inventory/v1/inventory.proto';

describe('proto checks (buf lint and buf breaking against the committed baseline)', () => {
  it('pass on the repository as it is', () => {
    const run = check(repo);
    expect(run.output).toBe('');
    expect(run.status).toBe(0);
  });

  it('accept additions: a new field and a new RPC', () => {
    const root = copyOfRepo();
    edit(root, INVENTORY, '  int32 reserved = 3;\n', '  int32 reserved = 3;\n  string warehouse = 4;\n');
    edit(root, INVENTORY, '  rpc Reserve(ReserveRequest) returns (ReserveResponse);\n', '  rpc Reserve(ReserveRequest) returns (ReserveResponse);\n  rpc Release(ReserveRequest) returns (ReserveResponse);\n');
    expect(check(root)).toEqual({ status: 0, output: '' });
  });

  it('accept a service scaffolded by rampart new service (lint-clean, and new files break nothing)', () => {
    const root = copyOfRepo();
    writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - apps/*\n');
    writeFileSync(join(root, 'package.json'), '{ "name": "ws", "private": true }\n');
    const cli = join(repo, 'packages', 'cli', 'bin', 'rampart.js');
    const scaffold = spawnSync(process.execPath, [cli, 'new', 'service', 'gift-cards', '--root', root, '--no-install', '--proto-package', 'rampart.demo.gift_cards.v1'], { encoding: 'utf8' });
    expect(scaffold.status, scaffold.stderr).toBe(0);
    expect(readFileSync(join(root, 'proto/rampart/demo/gift_cards/v1/gift_cards.proto'), 'utf8')).toContain('service GiftCardsService');
    expect(check(root)).toEqual({ status: 0, output: '' });
  });

  it('refuse a renamed package, even when its file moved along (lint-clean): its gRPC paths change', () => {
    const root = copyOfRepo();
    edit(root, INVENTORY, 'package rampart.demo.inventory.v1;', 'package rampart.demo.stock.v1;');
    mkdirSync(join(root, 'proto/rampart/demo/stock/v1'), { recursive: true });
    renameSync(join(root, INVENTORY), join(root, 'proto/rampart/demo/stock/v1/inventory.proto'));
    const run = check(root);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('Previously present file "rampart/demo/inventory/v1/inventory.proto" was deleted.');
  });

  it.each([
    ['breaking', 'a deleted RPC', '  rpc Reserve(ReserveRequest) returns (ReserveResponse);\n', '', 'Previously present RPC "Reserve" on service "InventoryService" was deleted.'],
    ['breaking', 'a field whose type changed', 'int32 reserved = 3;', 'int64 reserved = 3;', 'changed type from "int32" to "int64"'],
    ['breaking', 'a renumbered field', 'int32 reserved = 3;', 'int32 reserved = 4;', 'Previously present field "3" with name "reserved" on message "StockLevel" was deleted'],
    ['lint', 'a package that does not match its folder', 'package rampart.demo.inventory.v1;', 'package rampart.demo.stock.v1;', 'Files with package "rampart.demo.stock.v1" must be within a directory "rampart/demo/stock/v1"'],
    ['lint', 'a field name not in lower_snake_case', 'string sku = 1;\n}\n\nmessage StockLevel', 'string SKU = 1;\n}\n\nmessage StockLevel', 'Field name "SKU" should be lower_snake_case'],
    ['lint', 'a service without the Service suffix (the ReplayProbe exception is for that file only)', 'service InventoryService {', 'service Inventory {', 'Service name "Inventory" should be suffixed with "Service"'],
  ])('%s refuses %s', (_check, _what, from, to, message) => {
    const root = copyOfRepo();
    edit(root, INVENTORY, from, to);
    const run = check(root);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain(message);
  });
});

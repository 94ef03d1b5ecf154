import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const PACKAGES = join(SRC, '..', '..', '..', 'packages');

/**
 * The packages a module loads at run time, following its relative imports and, into their sources, the workspace's
 * own packages (`@rampart/x` is `packages/x/src/index.ts`): static `import ... from` and `export ... from`
 * statements, not `import type` (erased) and not dynamic `import()` (server-main loads each server that way, only
 * for its own kind; @rampart/pki loads @peculiar/x509 that way, only to issue certificates).
 */
function packagesLoadedBy(entry: string): Set<string> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'/gm)) {
      const [, typeOnly, specifier] = match as unknown as [string, string | undefined, string];
      if (typeOnly !== undefined) continue;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:')) {
        const name = specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
        packages.add(name);
        if (name.startsWith('@rampart/')) visit(join(PACKAGES, name.slice('@rampart/'.length), 'src', 'index.ts'));
      }
    }
  };
  visit(join(SRC, entry));
  return packages;
}

// A server process's heap, RSS and GC pauses are measured as that server's: it must not carry the bench's own tools
// (the test PKI pulls in @peculiar/x509 and undici: ~8 MB of heap, which lengthened every major GC of the Rampart
// server), nor, for the baselines, Rampart.
describe('what each bench server process loads', () => {
  it('the Rampart server loads Rampart, not the test PKI that makes the fixtures', () => {
    const loaded = packagesLoadedBy('servers/rampart-app.ts');
    expect(loaded).toContain('@rampart/server');
    expect(loaded).toContain('@rampart/auth');
    expect(loaded).not.toContain('@rampart/testing');
    // Rampart itself must not load it either: @rampart/pki, which the server uses for its certificate check, loads
    // the X.509 library only to issue certificates (it put ~2.7 MB into the server's heap when it loaded it eagerly).
    expect(loaded).toContain('@rampart/pki');
    expect(loaded).not.toContain('@peculiar/x509');
    expect(loaded).not.toContain('undici');
  });

  it('the bare grpc-js servers (with and without jose) load neither Rampart nor the test PKI', () => {
    const loaded = packagesLoadedBy('servers/bare-grpc.ts');
    expect(loaded).toContain('@grpc/grpc-js');
    expect(loaded).toContain('jose');
    expect([...loaded].filter((name) => name.startsWith('@rampart/'))).toEqual(['@rampart/codegen']);
  });

  it('the NestJS server loads neither Rampart nor the test PKI', () => {
    const loaded = packagesLoadedBy('servers/nest-app.ts');
    expect(loaded).toContain('@nestjs/microservices');
    expect([...loaded].filter((name) => name.startsWith('@rampart/'))).toEqual(['@rampart/codegen']);
  });

  it('the start-up baseline loads grpc-js, proto-loader and the health service only, and its entry point nothing', () => {
    expect([...packagesLoadedBy('servers/bare-health.ts')].sort()).toEqual(['@grpc/grpc-js', '@grpc/proto-loader', 'grpc-health-check']);
    expect([...packagesLoadedBy('servers/startup-main.ts')]).toEqual([]);
  });

  it('follows relative imports and the workspace packages, so a constant taken from the fixtures module would be caught', () => {
    const loaded = packagesLoadedBy('fixtures.ts');
    expect(loaded).toContain('@rampart/testing');
    // fixtures.ts -> @rampart/testing -> its own sources: followed into the workspace package.
    expect(loaded).toContain('@rampart/pki');
  });
});

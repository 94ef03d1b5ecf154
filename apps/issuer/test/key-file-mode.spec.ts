import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tightenMode } from '../src/key-file.js';

// The keys file on Kubernetes is a Secret volume: read-only, owned by root, readable by the pod's fsGroup (0440).
// chmod fails there; the issuer must start anyway, and still refuse a file anyone may read.
const failing = (code: string): typeof chmod => (() => Promise.reject(Object.assign(new Error(code), { code })));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rampart-keys-mode-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the keys file mode', () => {
  it('is tightened to 0600 where it can be', async () => {
    const path = join(dir, 'keys.json');
    await writeFile(path, '{}', { mode: 0o644 });
    await chmod(path, 0o644);
    await tightenMode(path, (await stat(path)).mode);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('is left alone on a read-only mount readable by owner and group only (a Secret with fsGroup)', async () => {
    await expect(tightenMode('/var/run/rampart/issuer/keys.json', 0o100440, failing('EROFS'))).resolves.toBeUndefined();
    await expect(tightenMode('/var/run/rampart/issuer/keys.json', 0o100440, failing('EPERM'))).resolves.toBeUndefined();
  });

  it('stops start-up for a file others can read that cannot be tightened, naming the fix', async () => {
    await expect(tightenMode('/keys.json', 0o100444, failing('EROFS'))).rejects.toThrow(/readable by others \(mode 444\).*Fix: chmod 600/);
    await expect(tightenMode('/keys.json', 0o100440, failing('EIO'))).rejects.toThrow(/cannot be made 0600 \(EIO\)/);
  });
});

import { execFile, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';

/** A certificate and its key, PEM. */
export interface KeyCert {
  readonly cert: string;
  readonly key: string;
}

/** What came of a token request sent over a connection that renegotiated first (or tried to). */
export interface RenegotiationOutcome {
  /** The first handshake completed. */
  readonly connected: boolean;
  /** The renegotiation completed: the server accepted a new handshake on the open connection. */
  readonly renegotiated: boolean;
  /** Why the client stopped, when it did: a failed handshake, renegotiation or write. */
  readonly error?: string;
  /** The HTTP response, when the server sent one. */
  readonly status?: number;
  readonly body?: Record<string, unknown>;
}

const PYTHON = 'python3';
const SCRIPT = fileURLToPath(new URL('./renegotiating_client.py', import.meta.url));
const execFileAsync = promisify(execFile);

/**
 * Whether the libssl client can run here: python3 with ctypes and a loadable libssl 3 (Debian: `python3`,
 * `libssl3`, both installed with `openssl`).
 *
 * @example
 * ```ts
 * describe.skipIf(!libsslClientAvailable())('…', () => {});
 * ```
 */
export function libsslClientAvailable(): boolean {
  const probe = 'import ctypes, ctypes.util; ctypes.CDLL(ctypes.util.find_library("ssl") or "libssl.so.3").TLS_client_method';
  return spawnSync(PYTHON, ['-c', probe], { stdio: 'ignore' }).status === 0;
}

/**
 * A real TLS 1.2 client driving libssl (see `renegotiating_client.py`): it connects to 127.0.0.1:`port` presenting
 * `first`, swaps its certificate for `second` on the open connection and renegotiates, then POSTs `form` to `path`
 * over that same connection. With `renegotiate: false` it presents `second` from the start (the control).
 *
 * @example
 * ```ts
 * const outcome = await libsslRenegotiation(port, { ca, first: web, second: forgedOrders, path: '/token', form });
 * ```
 */
export async function libsslRenegotiation(
  port: number,
  options: { ca: string; first: KeyCert; second: KeyCert; path: string; form: Record<string, string>; renegotiate?: boolean },
): Promise<RenegotiationOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'rampart-reneg-'));
  try {
    const files = { ca: join(dir, 'ca.pem'), c1: join(dir, 'c1.pem'), k1: join(dir, 'k1.pem'), c2: join(dir, 'c2.pem'), k2: join(dir, 'k2.pem') };
    await Promise.all([
      writeFile(files.ca, options.ca),
      writeFile(files.c1, options.first.cert),
      writeFile(files.k1, options.first.key, { mode: 0o600 }),
      writeFile(files.c2, options.second.cert),
      writeFile(files.k2, options.second.key, { mode: 0o600 }),
    ]);
    const args = [SCRIPT, String(port), files.ca, files.c1, files.k1, files.c2, files.k2, options.path];
    args.push(new URLSearchParams(options.form).toString());
    if (options.renegotiate === false) args.push('--no-renegotiate');
    const { stdout } = await execFileAsync(PYTHON, args, { timeout: 15_000 });
    const raw = JSON.parse(stdout) as RenegotiationOutcome & { body?: string };
    return { ...raw, ...(raw.body === undefined ? {} : { body: parseBody(raw.body) }) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Node's own client renegotiating on an open connection (`TLSSocket.renegotiate`; Node cannot change the client
 * certificate, so it presents the same one): resolves with why the renegotiation failed, or undefined when it
 * completed.
 *
 * @example
 * ```ts
 * expect(await nodeRenegotiation(port, { ca, client: web })).toBeDefined(); // refused
 * ```
 */
export async function nodeRenegotiation(port: number, options: { ca: string; client: KeyCert }): Promise<string | undefined> {
  const socket = connect({ host: '127.0.0.1', port, ca: options.ca, cert: options.client.cert, key: options.client.key, maxVersion: 'TLSv1.2' });
  socket.on('error', () => undefined);
  socket.resume(); // read (and drop) whatever the server sends, so that its closing the connection is seen
  try {
    await once(socket, 'secureConnect');
    return await renegotiate(socket);
  } finally {
    socket.destroy();
  }
}

function renegotiate(socket: TLSSocket): Promise<string | undefined> {
  return new Promise((resolve) => {
    const onClose = (): void => resolve('the server closed the connection');
    socket.once('close', onClose);
    const started = socket.renegotiate({ rejectUnauthorized: true }, (error) => {
      socket.off('close', onClose);
      resolve(error?.message);
    });
    if (!started) {
      socket.off('close', onClose);
      resolve('renegotiation could not start');
    }
  });
}

function parseBody(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { unparsed: text.slice(0, 200) };
  }
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/**
 * How an endpoint answers: normally, with HTTP 503, never, or with a 200 whose body never ends (chunked, no
 * content-length: JSON whitespace after the opening brace, until the client stops reading or 64 MiB were sent).
 */
export type EndpointMode = 'ok' | 'down' | 'hang' | 'endless';

/** A real OIDC discovery + JWKS endpoint on 127.0.0.1, port 0, whose behaviour a test changes on the fly. */
export interface JwksServer {
  /** `http://127.0.0.1:<port>` (`https://` with `tls`), also the issuer it serves. */
  readonly url: string;
  /** The `issuer` the discovery document claims (default: `url`). */
  claimedIssuer: string;
  /** The `jwks_uri` the discovery document names (default: `<url>/jwks`). */
  jwksUri: string;
  keys: JWK[];
  jwksMode: EndpointMode;
  discoveryMode: EndpointMode;
  /** When set, `/jwks` answers `302 Found` with this `location` (keys served from somewhere else). */
  redirectJwksTo: string | undefined;
  /** Wait this long before answering any request, in ms (a slow issuer). */
  delayMs: number;
  /** Pad each answer of that endpoint with a member `x-pad` of this many characters (an oversized answer). */
  pad: { discovery: number; jwks: number };
  /** Paths requested, in order. */
  readonly requests: string[];
  /** How many requests went to `/jwks`. */
  jwksHits(): number;
  /** Bytes written by `endless` answers so far, and how many of them the client abandoned. */
  readonly endless: { sent: number; abandoned: number };
  close(): Promise<void>;
}

/** A server certificate and its key (PEM), for an https endpoint. */
export interface ServerTls {
  readonly cert: string;
  readonly key: string;
}

const ENDLESS_LIMIT = 64 * 1024 * 1024;
const CHUNK = Buffer.alloc(16 * 1024, ' ');

export async function startJwksServer(keys: JWK[] = [], options: { tls?: ServerTls } = {}): Promise<JwksServer> {
  const requests: string[] = [];
  const endless = { sent: 0, abandoned: 0 };
  const answer = (res: ServerResponse, mode: EndpointMode, body: Record<string, unknown>, pad: number): void => {
    if (mode === 'hang') return;
    if (mode === 'down') {
      res.writeHead(503).end('down');
      return;
    }
    if (mode === 'endless') {
      streamForever(res, endless);
      return;
    }
    const padded = pad > 0 ? { ...body, 'x-pad': 'x'.repeat(pad) } : body;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(padded));
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '';
    requests.push(path);
    const respond = (): void => {
      if (path === '/.well-known/openid-configuration') {
        answer(res, state.discoveryMode, { issuer: state.claimedIssuer, jwks_uri: state.jwksUri }, state.pad.discovery);
      } else if (path === '/jwks' && state.redirectJwksTo !== undefined) {
        res.writeHead(302, { location: state.redirectJwksTo }).end();
      } else if (path === '/jwks') {
        answer(res, state.jwksMode, { keys: state.keys }, state.pad.jwks);
      } else {
        res.writeHead(404).end();
      }
    };
    if (state.delayMs > 0) setTimeout(respond, state.delayMs);
    else respond();
  };
  const server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: JwksServer = {
    url,
    claimedIssuer: url,
    jwksUri: `${url}/jwks`,
    keys,
    jwksMode: 'ok',
    discoveryMode: 'ok',
    redirectJwksTo: undefined,
    delayMs: 0,
    pad: { discovery: 0, jwks: 0 },
    requests,
    jwksHits: () => requests.filter((p) => p === '/jwks').length,
    endless,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return state;
}

/** Writes a JSON object's opening and then whitespace, as fast as the client reads, until it goes away. */
function streamForever(res: ServerResponse, endless: { sent: number; abandoned: number }): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"keys":[');
  let open = true;
  res.on('close', () => {
    if (open) endless.abandoned += 1;
    open = false;
  });
  const pump = (): void => {
    while (open && endless.sent < ENDLESS_LIMIT) {
      endless.sent += CHUNK.length;
      if (!res.write(CHUNK)) {
        res.once('drain', pump);
        return;
      }
    }
    if (open) {
      open = false;
      res.end(']}');
    }
  };
  pump();
}

import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** How an endpoint answers: normally, with HTTP 503, or never. */
export type EndpointMode = 'ok' | 'down' | 'hang';

/** A real OIDC discovery + JWKS endpoint on 127.0.0.1, port 0, whose behaviour a test changes on the fly. */
export interface JwksServer {
  /** `http://127.0.0.1:<port>`, also the issuer it serves. */
  readonly url: string;
  /** The `issuer` the discovery document claims (default: `url`). */
  claimedIssuer: string;
  /** The `jwks_uri` the discovery document names (default: `<url>/jwks`). */
  jwksUri: string;
  keys: JWK[];
  jwksMode: EndpointMode;
  discoveryMode: EndpointMode;
  /** Paths requested, in order. */
  readonly requests: string[];
  /** How many requests went to `/jwks`. */
  jwksHits(): number;
  close(): Promise<void>;
}

export async function startJwksServer(keys: JWK[] = []): Promise<JwksServer> {
  const requests: string[] = [];
  const answer = (res: ServerResponse, mode: EndpointMode, body: unknown): void => {
    if (mode === 'hang') return;
    if (mode === 'down') {
      res.writeHead(503).end('down');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    requests.push(path);
    if (path === '/.well-known/openid-configuration') {
      answer(res, state.discoveryMode, { issuer: state.claimedIssuer, jwks_uri: state.jwksUri });
    } else if (path === '/jwks') {
      answer(res, state.jwksMode, { keys: state.keys });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: JwksServer = {
    url,
    claimedIssuer: url,
    jwksUri: `${url}/jwks`,
    keys,
    jwksMode: 'ok',
    discoveryMode: 'ok',
    requests,
    jwksHits: () => requests.filter((p) => p === '/jwks').length,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return state;
}

import type { ClientRequest, IncomingMessage } from 'node:http';
import { Agent, request } from 'node:https';
import { connect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { decodeJwt } from 'jose';
import { waitFor } from '@rampart/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, httpsRequest, INVENTORY, removeTestPki, startIssuer, type TestPki } from './harness.js';

let pki: TestPki;
const cleanup: (() => void)[] = [];
beforeAll(async () => {
  pki = await createTestPki();
});
afterEach(() => cleanup.splice(0).forEach((step) => step()));
afterAll(() => removeTestPki(pki));

/**
 * A client-credentials request whose body is held back: it resolves once the issuer has taken the request (its
 * `100 Continue`, sent when the request's handler is called), with `send()` to write the body.
 */
function heldTokenRequest(url: string, agent: Agent | false = false): Promise<{ req: ClientRequest; response: Promise<IncomingMessage & { text: Promise<string> }>; send(): void }> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'orders', resource: INVENTORY, scope: 'inventory:read' }).toString();
  const { cert, key } = pki.clients.orders;
  const req = request(`${url}/token`, {
    method: 'POST',
    ca: pki.ca.certPem,
    cert,
    key,
    agent,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
  });
  const response = new Promise<IncomingMessage & { text: Promise<string> }>((resolve, reject) => {
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      const text = new Promise<string>((done) => res.on('data', (c: Buffer) => chunks.push(c)).once('end', () => done(Buffer.concat(chunks).toString())));
      resolve(Object.assign(res, { text }));
    });
    req.once('error', reject);
  });
  response.catch(() => undefined); // a test that expects the cut awaits it itself
  req.flushHeaders();
  return new Promise((resolve, reject) => {
    req.once('continue', () => resolve({ req, response, send: () => req.end(body) }));
    req.once('error', reject);
  });
}

describe('Issuer.close', () => {
  it('lets a token request under way finish (its connection closes after the response), then resolves', async () => {
    const { issuer, url } = await startIssuer(pki);
    const agent = new Agent({ keepAlive: true }); // a client that would keep the connection: the server must say close
    cleanup.push(() => agent.destroy());
    const held = await heldTokenRequest(url, agent);
    let closed = false;
    const closing = issuer.close({ graceMs: 60_000 }).then(() => (closed = true));
    // A second call (SIGTERM, then SIGINT) waits as the first does.
    let closedAgain = false;
    void issuer.close({ graceMs: 1 }).then(() => (closedAgain = true));
    // New connections are refused at once.
    await expect(httpsRequest(`${url}/jwks`, { ca: pki.ca.certPem })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(closed).toBe(false);
    expect(closedAgain).toBe(false);
    held.send();
    const res = await held.response;
    expect(res.statusCode).toBe(200);
    expect(res.headers.connection).toBe('close');
    expect(decodeJwt(JSON.parse(await res.text).access_token as string).aud).toBe(INVENTORY);
    await closing; // well before the 60 s grace: the test's own timeout is 20 s
  });

  it('answers every pipelined request under way: only the last response of a connection closes it', async () => {
    const { issuer, port } = await startIssuer(pki);
    const { cert, key } = pki.clients.orders;
    const socket = tlsConnect({ host: '127.0.0.1', port, ca: pki.ca.certPem, cert, key, servername: 'localhost' });
    cleanup.push(() => socket.destroy());
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const ended = new Promise((done) => socket.once('close', done));
    await new Promise((done) => socket.once('secureConnect', done));
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'orders', resource: INVENTORY, scope: 'inventory:read' }).toString();
    const head = `POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`;
    socket.write(head + body.slice(0, 10)); // the first request is under way, its body held back
    await new Promise((done) => setTimeout(done, 100));
    const closing = issuer.close({ graceMs: 10_000 });
    socket.write(body.slice(10) + 'GET /jwks HTTP/1.1\r\nHost: localhost\r\n\r\n'); // and a second one behind it
    await ended;
    await closing;
    // A response follows the previous body at once (Content-Length framing), so a status line need not start a line.
    const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '200']);
    expect(received.match(/\r\nconnection: close\r\n/gi)).toHaveLength(1);
    expect(received.toLowerCase().indexOf('connection: close')).toBeGreaterThan(received.lastIndexOf('HTTP/1.1 200')); // the second's
  });

  it('does not wait for idle keep-alive connections', async () => {
    const { issuer, url } = await startIssuer(pki);
    const agent = new Agent({ keepAlive: true, ca: pki.ca.certPem });
    try {
      const res = await new Promise<IncomingMessage>((resolve, reject) => request(`${url}/jwks`, { agent }, resolve).once('error', reject).end());
      res.resume();
      await new Promise((done) => res.once('end', done));
      expect(res.headers.connection).toBe('keep-alive');
      await issuer.close({ graceMs: 60_000 });
    } finally {
      agent.destroy();
    }
  });

  it('cuts connections still in their TLS handshake after the grace time: they cannot hold the process in shutdown', async () => {
    const { issuer, port } = await startIssuer(pki);
    const silent = connect({ host: '127.0.0.1', port }); // TCP only: no ClientHello
    cleanup.push(() => silent.destroy());
    await new Promise((done) => silent.once('connect', done));
    const closed = new Promise((done) => silent.once('close', done));
    await issuer.close({ graceMs: 200 }); // Node's own handshake timeout is 120 s: the test's 20 s timeout would end it first
    await closed;
  });

  it('cuts a request still under way after the grace time, saying so', async () => {
    const { issuer, url, logs } = await startIssuer(pki);
    const held = await heldTokenRequest(url);
    await issuer.close({ graceMs: 200 });
    await expect(held.response).rejects.toMatchObject({ code: 'ECONNRESET' });
    // The cut request is logged as refused (it had no parameters yet), not thrown out of the log listener.
    await waitFor(() => logs.entries.some((e) => e['msg'] === 'token request refused'), 'the refusal to be logged');
    expect(logs.entries).toContainEqual(expect.objectContaining({ error: 'invalid_request', description: 'failed to parse the request body', detail: 'aborted' }));
    expect(logs.entries).toContainEqual(
      expect.objectContaining({ graceMs: 200, msg: 'issuer closing: requests still under way after the grace time are cut' }),
    );
  });
});

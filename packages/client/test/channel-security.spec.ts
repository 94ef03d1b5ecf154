import { ChannelCredentials, credentials } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSecureChannel } from '../src/channel-security.js';
import { createMtlsChannelCredentials, type MtlsChannel } from '../src/index.js';
import { createCa, INVENTORY, ORDERS, tempDir, writeClientFiles, type TempDir } from './tls/support/pki-dir.js';

// create-client refuses to send tokens on a plaintext channel, asking grpc-js's ChannelCredentials._isSecure() (no
// public API says it). This pins that method's answers on the installed grpc-js, and that without it Rampart refuses
// to guess.
describe('isSecureChannel (grpc-js ChannelCredentials._isSecure, pinned)', () => {
  let tmp: TempDir;
  let mtls: MtlsChannel;
  beforeAll(async () => {
    tmp = await tempDir();
    const ca = await createCa({ commonName: 'channel security CA', validityDays: 1 });
    mtls = createMtlsChannelCredentials({ ...(await writeClientFiles(tmp, 'c', ca, { spiffeId: ORDERS })), expectedServerId: INVENTORY });
    await mtls.ready;
  });
  afterAll(async () => {
    mtls?.close();
    await tmp?.remove();
  });

  it('plaintext is not secure; TLS and Rampart mutual TLS are', () => {
    expect(isSecureChannel(credentials.createInsecure())).toBe(false);
    expect(isSecureChannel(credentials.createSsl())).toBe(true);
    expect(isSecureChannel(mtls.credentials)).toBe(true);
  });

  it('credentials without _isSecure (another grpc-js) stop with an error naming the version, not a guess', () => {
    const foreign = Object.create(ChannelCredentials.prototype) as ChannelCredentials & { _isSecure?: unknown };
    Object.defineProperty(foreign, '_isSecure', { value: undefined });
    expect(() => isSecureChannel(foreign)).toThrow(/ChannelCredentials\._isSecure is missing\): use @grpc\/grpc-js 1\.14/);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMtlsChannelCredentials, type MtlsChannel, type MtlsChannelOptions } from '../../src/index.js';
import { createCa, issueCertificate, ORDERS, tempDir, writeClientFiles, type ClientFiles, type TempDir } from './support/pki-dir.js';

describe('createMtlsChannelCredentials: options and first load', () => {
  let tmp: TempDir;
  let files: ClientFiles;
  let channels: MtlsChannel[] = [];
  const create = (options: MtlsChannelOptions): MtlsChannel => {
    const channel = createMtlsChannelCredentials(options);
    channels.push(channel);
    return channel;
  };

  beforeAll(async () => {
    tmp = await tempDir();
    files = await writeClientFiles(tmp, 'orders', await createCa({ validityDays: 1 }), { spiffeId: ORDERS });
  });
  afterEach(() => {
    channels.forEach((channel) => channel.close());
    channels = [];
  });
  afterAll(async () => {
    await tmp?.remove();
  });

  it('resolves ready once the files are loaded', async () => {
    await expect(create({ ...files, refreshIntervalMs: 200 }).ready).resolves.toBeUndefined();
  });

  it('rejects ready naming a missing key file', async () => {
    const missing = tmp.path('missing-key.pem');
    const { ready } = create({ ...files, keyFile: missing });
    await expect(ready).rejects.toThrow(`cannot read keyFile ${missing}: ENOENT`);
  });

  it('rejects ready naming a missing trust bundle, and only that', async () => {
    const missing = tmp.path('missing-ca.pem');
    const error = await create({ ...files, caFile: missing }).ready.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain(`cannot read caFile ${missing}: ENOENT`);
    expect(error?.message).not.toContain('certFile');
  });

  it('rejects ready for a key that does not belong to the certificate', async () => {
    const other = await issueCertificate(await createCa({ validityDays: 1 }), { spiffeId: ORDERS });
    const keyFile = await tmp.write('other-key.pem', other.keyPem);
    await expect(create({ ...files, keyFile }).ready).rejects.toThrow(
      `certFile ${files.certFile} and keyFile ${keyFile} are not a usable certificate and private key`,
    );
  });

  it('rejects ready for a trust bundle without a certificate', async () => {
    const caFile = await tmp.write('garbage-ca.pem', 'not a certificate\n');
    await expect(create({ ...files, caFile }).ready).rejects.toThrow(`caFile ${caFile} holds no usable PEM certificate`);
  });

  it('rejects a ready still pending when closed', async () => {
    const channel = createMtlsChannelCredentials(files);
    channel.close();
    channel.close();
    await expect(channel.ready).rejects.toThrow(/closed before the certificate files were loaded/);
  });

  it('validates options up front, naming them', () => {
    expect(() => create({ ...files, expectedServerId: 'spiffe://demo.rampart.dev' })).toThrow(
      /^expectedServerId: invalid SPIFFE ID "spiffe:\/\/demo\.rampart\.dev": path is empty/,
    );
    expect(() => create({ ...files, expectedServerId: 'SPIFFE://demo.rampart.dev/x' })).toThrow(TypeError);
    expect(() => create({ ...files, keyFile: '' })).toThrow(/keyFile must be a non-empty file path/);
    expect(() => create({ ...files, refreshIntervalMs: 0 })).toThrow(RangeError);
    expect(() => create({ ...files, refreshIntervalMs: 2 ** 31 })).toThrow(/refreshIntervalMs must be a number from 1/);
    expect(() => create({ ...files, refreshIntervalMs: Number.NaN })).toThrow(RangeError);
  });
});

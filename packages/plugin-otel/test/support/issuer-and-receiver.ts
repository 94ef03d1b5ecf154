import { OtlpReceiver, TestIssuer } from '@rampart/testing';
import { afterAll, beforeAll } from 'vitest';

/** A test issuer for the probe's tokens and an OTLP receiver, started before the file's tests and stopped after. */
export function useIssuerAndReceiver(): { readonly issuer: TestIssuer; readonly receiver: OtlpReceiver } {
  const started = {} as { issuer: TestIssuer; receiver: OtlpReceiver };
  beforeAll(async () => {
    started.issuer = await TestIssuer.start({ audience: 'probe' });
    started.receiver = await OtlpReceiver.start();
  });
  afterAll(async () => {
    await started.issuer?.stop();
    await started.receiver?.stop();
  });
  return started;
}

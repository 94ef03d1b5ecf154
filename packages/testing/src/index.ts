// @rampart/testing: test a Rampart app for real (a test PKI and issuer, the app on port 0, typed clients) or in
// process. This repository's deployment-test helpers: '@rampart/testing/internal'.
export {
  startTestApp,
  withBearer,
  TEST_CONFIG_VALUES,
  type TestApp,
  type TestAppOptions,
  type TestClientOptions,
} from './test-app.js';
export { TestPki, TEST_TRUST_DOMAIN } from './test-pki.js';
export { inProcess, type InProcessApp, type InProcessOptions } from './in-process.js';
export { TestIssuer, type MintOptions } from './test-issuer.js';
export { freePort } from './free-port.js';
export { OtlpReceiver, type ReceivedExport } from './otlp/otlp-receiver.js';
export type { ReceivedSpan } from './otlp/decode-spans.js';

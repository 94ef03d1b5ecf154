/** The `auth.client.*` client-authentication settings at their schema defaults, for config readers in tests. */
export const CLIENT_AUTH_DEFAULTS: Readonly<Record<string, unknown>> = {
  'auth.client.authMethod': 'tls_client_auth',
  'auth.client.privateKeyFile': '',
  'auth.client.privateKeyAlg': 'ES256',
  'auth.client.privateKeyId': '',
  'auth.client.privateKeyCertificateFile': '',
  'auth.client.assertionAudience': 'issuer',
  'auth.client.secret': '',
};

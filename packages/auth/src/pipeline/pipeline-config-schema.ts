import { defineConfigSchema } from '@rampart/core';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;

/** The auth pipeline's own settings, under `auth.*` (token verification has `auth.tokens.*`). */
export const authPipelineConfigSchema = defineConfigSchema({
  auth: {
    issuerCaFile: {
      doc: "PEM trust bundle for the token issuers' HTTPS (discovery and JWKS), e.g. a private CA; empty: the system's trust store.",
      format: String,
      default: '',
      env: 'RAMPART_AUTH_ISSUER_CA_FILE',
    },
    streamExpiryGraceMs: {
      doc: 'How long a stream may run past its token expiry before it is ended with UNAUTHENTICATED.',
      format: 'nat',
      default: 0,
      env: 'RAMPART_AUTH_STREAM_EXPIRY_GRACE_MS',
    },
    audit: {
      allowLevel: {
        doc: 'Log level of allowed-call audit lines.',
        format: LEVELS,
        default: 'debug',
        env: 'RAMPART_AUTH_AUDIT_ALLOW_LEVEL',
      },
      denyLevel: {
        doc: 'Log level of refused-call audit lines.',
        format: LEVELS,
        default: 'warn',
        env: 'RAMPART_AUTH_AUDIT_DENY_LEVEL',
      },
    },
    replay: {
      maxEntries: {
        doc: 'Most live one-time tokens the in-memory replay store keeps; when full of live entries it refuses (fails closed).',
        format: 'nat',
        default: 100_000,
        env: 'RAMPART_AUTH_REPLAY_MAX_ENTRIES',
      },
    },
  },
});

/** DI tokens of the auth pipeline. Rebind any of them (in a plugin that depends on `rampart-auth`) to replace it. */
export const AUTH_TOKENS = {
  /** The `TokenVerifier`; bound when issuers are configured. */
  TokenVerifier: Symbol.for('rampart.auth.TokenVerifier'),
  /** The `ReplayStore` for one-time tokens; default: bounded, in memory, per process. */
  ReplayStore: Symbol.for('rampart.auth.ReplayStore'),
  /** The `AuthAuditor` that records each decision; default: log line, span attributes and event, counter. */
  Auditor: Symbol.for('rampart.auth.Auditor'),
  /** The app's container, for stages that resolve classes (policies). */
  Container: Symbol.for('rampart.auth.Container'),
  /** `AuthPipelineSettings`. */
  Settings: Symbol.for('rampart.auth.Settings'),
} as const;

/** Settings of the pipeline, from config. */
export interface AuthPipelineSettings {
  /** How long past its token's `exp` a stream may run before it is ended with UNAUTHENTICATED, in ms. */
  readonly streamExpiryGraceMs: number;
}

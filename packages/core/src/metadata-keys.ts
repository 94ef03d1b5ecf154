/** The keys under which Rampart's decorators record metadata (via reflect-metadata). */
export const METADATA = {
  service: Symbol.for('rampart.service'),
  methodNames: Symbol.for('rampart.methodNames'),
  authDecisions: Symbol.for('rampart.authDecisions'),
} as const;

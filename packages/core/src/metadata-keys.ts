/** The keys under which Rampart's decorators record metadata (via reflect-metadata). */
export const METADATA = {
  service: Symbol.for('rampart.service'),
  authDecisions: Symbol.for('rampart.authDecisions'),
} as const;

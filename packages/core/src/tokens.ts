/**
 * Dependency-injection tokens for what every Rampart app binds. Inject with `@inject(TOKENS.Logger)`; every
 * injection names its token, so nothing depends on `emitDecoratorMetadata`.
 *
 * @example
 * ```ts
 * constructor(@inject(TOKENS.Logger) private readonly logger: Logger) {}
 * ```
 */
export const TOKENS = {
  /** The app's root `Logger`. */
  Logger: Symbol.for('rampart.Logger'),
  /** The app's `ConfigReader`. */
  Config: Symbol.for('rampart.Config'),
  /** The app's name (`string`). */
  AppName: Symbol.for('rampart.AppName'),
} as const;

/**
 * Versions of third-party packages that scaffolded apps depend on: the ones the Rampart workspace itself uses
 * (see docs/guides/cli.md), so a scaffolded app resolves to what is already installed.
 *
 * @example
 * ```ts
 * THIRD_PARTY_VERSIONS.inversify; // '^8.2.3'
 * ```
 */
export const THIRD_PARTY_VERSIONS = {
  inversify: '^8.2.3',
  'reflect-metadata': '^0.2.2',
  '@grpc/grpc-js': '1.14.7',
  typescript: '5.9.3',
  vitest: '^3.2.7',
  '@types/node': '^20.19.43',
} as const;

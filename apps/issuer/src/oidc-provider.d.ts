/**
 * The part of oidc-provider 9's API this app uses. The package ships no types; these follow its source
 * (`lib/provider.js`, `lib/models/*`, `lib/helpers/errors.js`). Only `src/` sees this declaration: nothing
 * exported from this package mentions these types.
 */
declare module 'oidc-provider' {
  import type { X509Certificate } from 'node:crypto';
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { Socket } from 'node:net';

  export type UnknownObject = Record<string, unknown>;

  export interface Client {
    readonly clientId: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  export interface OIDCContext {
    readonly issuer: string;
    readonly route: string;
    /**
     * Request parameters, already limited to those the route (or grant type) declares. Absent when the request failed
     * before its body was read (a client that went away mid-body, say): error events see such requests too.
     */
    readonly params?: Record<string, unknown>;
    readonly client: Client | undefined;
    entity(name: string, value: unknown): void;
  }

  /** Koa's context with the provider's `oidc` member. */
  export interface KoaContextWithOIDC {
    readonly req: IncomingMessage;
    readonly socket: Socket;
    readonly oidc: OIDCContext;
    body: unknown;
  }

  export interface ResourceServerInfo {
    readonly scope: string;
    readonly audience?: string;
    readonly accessTokenTTL?: number;
    readonly accessTokenFormat?: 'jwt' | 'opaque';
    readonly jwt?: { readonly sign?: { readonly alg: string; readonly kid?: string } };
  }

  export interface ResourceServer {
    readonly audience: string | undefined;
    readonly scope: string;
    identifier(): string;
  }

  export interface ClientCredentialsToken {
    readonly client: Client | undefined;
    readonly resourceServer: ResourceServer | undefined;
    readonly clientId: string;
    scope: string | undefined;
    readonly expiration: number;
    readonly tokenType: string;
    setThumbprint(kind: 'x5t', certificate: X509Certificate | string): void;
    save(): Promise<string>;
  }

  export interface ClientCredentialsInit {
    readonly client: Client;
    readonly resourceServer?: ResourceServer;
    readonly scope?: string;
    readonly expiresIn?: number;
  }

  /** The access token as the JWT format builds it, before signing; a customizer may change it. */
  export interface StructuredJwt {
    header: UnknownObject | undefined;
    payload: UnknownObject;
  }

  export interface Adapter {
    upsert(id: string, payload: UnknownObject, expiresIn: number): Promise<void>;
    find(id: string): Promise<UnknownObject | undefined>;
    findByUserCode(userCode: string): Promise<UnknownObject | undefined>;
    findByUid(uid: string): Promise<UnknownObject | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export type AdapterConstructor = new (name: string) => Adapter;

  /** Provider configuration: loosely typed, as the provider validates it itself at construction. */
  export interface Configuration {
    readonly [key: string]: unknown;
  }

  export type GrantHandler = (ctx: KoaContextWithOIDC) => Promise<void>;

  export class OIDCProviderError extends Error {
    readonly error: string;
    readonly error_description?: string;
    readonly error_detail?: string;
    readonly status: number;
    readonly expose: boolean;
  }

  type ErrorOptions = string | { readonly detail?: string; readonly cause?: unknown };

  export const errors: {
    readonly OIDCProviderError: typeof OIDCProviderError;
    readonly InvalidGrant: new (options?: ErrorOptions) => OIDCProviderError;
    readonly InvalidClientAuth: new (options?: ErrorOptions) => OIDCProviderError;
    readonly InvalidRequest: new (description?: string, code?: number, options?: ErrorOptions) => OIDCProviderError;
    readonly InvalidScope: new (description: string, scope?: string, options?: ErrorOptions) => OIDCProviderError;
    readonly InvalidTarget: new (description?: string, options?: ErrorOptions) => OIDCProviderError;
    readonly UnauthorizedClient: new (description?: string, options?: ErrorOptions) => OIDCProviderError;
  };

  export class Provider {
    constructor(issuer: string, configuration: Configuration);
    readonly issuer: string;
    readonly ClientCredentials: new (init: ClientCredentialsInit) => ClientCredentialsToken;
    readonly ResourceServer: new (identifier: string, info: ResourceServerInfo) => ResourceServer;
    /** Koa's request listener for `http(s).createServer`. */
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    on(event: string, listener: (...args: never[]) => void): this;
    registerGrantType(
      name: string,
      handler: GrantHandler,
      parameters?: readonly string[] | ReadonlySet<string>,
      allowedDuplicateParameters?: readonly string[] | ReadonlySet<string>,
    ): void;
    urlFor(name: string): string;
  }

  export default Provider;
}

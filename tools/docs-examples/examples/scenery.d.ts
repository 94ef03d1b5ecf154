// What the docs' shorter examples take for granted without showing it: the names they use without an import line
// (typed as the real exports of the workspace packages, so every use is checked against the real API) and the
// reader's own code around them (their services, file paths, PEM strings). A complete example imports what it
// uses; one that relies on a name here needs no marker, one that cannot compile at all is marked
// `<!-- not-compiled: reason -->` on its page.
import type * as auth from '@rampart/auth';
import type * as client from '@rampart/client';
import type * as core from '@rampart/core';
import type * as server from '@rampart/server';
import type * as testing from '@rampart/testing';
import type * as inversify from 'inversify';
import type * as vitest from 'vitest';
import type * as generated from './generated/index.js';
import type { Logger, MethodShape, RampartPlugin, ServiceDescriptor } from '@rampart/core';
import type { ServiceClass, ProtoSource } from '@rampart/server';
import type { ChannelCredentials } from '@grpc/grpc-js';


/** What rampart-codegen would generate for the pages' made-up services (a ledger, a payments service). */
type LedgerShape = { readonly balance: MethodShape<'unary', { account?: string }, { account: string }, { amount?: number }, { amount: number }> };
type PaymentsShape = { readonly chargeCard: MethodShape<'unary', { amount?: number }, { amount: number }, { ok?: boolean }, { ok: boolean }> };

declare global {
  // Rampart, inversify and vitest names an example may use without importing them.
  const createApp: typeof server.createApp;
  const rampartAuth: typeof auth.rampartAuth;
  const RequireMtls: typeof auth.RequireMtls;
  const Authenticated: typeof auth.Authenticated;
  const Authorize: typeof auth.Authorize;
  const allow: typeof auth.allow;
  const deny: typeof auth.deny;
  const DefaultAuthAuditor: typeof auth.DefaultAuthAuditor;
  const GrpcService: typeof core.GrpcService;
  const RampartError: typeof core.RampartError;
  const definePlugin: typeof core.definePlugin;
  const createClient: typeof client.createClient;
  const createMtlsChannelCredentials: typeof client.createMtlsChannelCredentials;
  const TokenClient: typeof client.TokenClient;
  const clientOf: typeof client.clientOf;
  const startTestApp: typeof testing.startTestApp;
  const TestIssuer: typeof testing.TestIssuer;
  const withBearer: typeof testing.withBearer;
  const OtlpReceiver: typeof testing.OtlpReceiver;
  const inject: typeof inversify.inject;
  const injectable: typeof inversify.injectable;
  const expect: typeof vitest.expect;
  type CallContext = core.CallContext;
  type Interceptor = core.Interceptor;
  type AuthorizationPolicy = auth.AuthorizationPolicy;
  type PolicyInput = auth.PolicyInput;
  type PolicyDecision = auth.PolicyDecision;

  // The reader's own code: their services, the types rampart-codegen generated for them, where their files are.
  const InventoryService: ServiceClass;
  const OrdersService: ServiceClass;
  const PaymentsService: ServiceClass;
  const PaymentsServiceDescriptor: ServiceDescriptor<PaymentsShape>;
  const LedgerService: ServiceClass;
  const LedgerServiceDescriptor: ServiceDescriptor<LedgerShape>;
  /** The tenant plugin of docs/guides/plugins.md. */
  const tenantPolicy: () => RampartPlugin;
  /** Where an audit plugin sends its events (docs/guides/plugins.md). */
  interface SiemSink {
    connect(url: string): void;
    flush(): Promise<void>;
  }
  const services: readonly ServiceClass[];
  const protos: ProtoSource;
  const PROTO_ROOT: string;
  const protoRoot: string;
  const root: string;
  const InventoryServiceDescriptor: typeof generated.InventoryServiceDescriptor;
  type InventoryServiceHandlers = generated.InventoryServiceHandlers;
  type InventoryServiceClient = generated.InventoryServiceClient;
  type GetStockRequest__Output = generated.GetStockRequest__Output;
  type ReserveRequest__Output = generated.ReserveRequest__Output;
  type WatchStockRequest__Output = generated.WatchStockRequest__Output;
  type StockLevel = generated.StockLevel;
  const credentials: ChannelCredentials;
  const certFile: string;
  const keyFile: string;
  const caFile: string;
  const address: string;
  const issuer: string;
  const INVENTORY_ID: string;
  const serverChainPem: string;
  const serverKeyPem: string;
  const caPem: string;
  const logger: Logger;
  /** The revocation list of docs/security/tokens.md's custom stage: its container token and its type. */
  const RevocationList: unique symbol;
  interface RevocationList {
    has(jti: string): Promise<boolean>;
  }
  const sharedReplayStore: auth.ReplayStore;
}

export {};

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import {
  loadPackageDefinition,
  Server,
  ServerCredentials,
  status as GrpcStatus,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceClientConstructor,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { parseSpiffeId } from '@rampart/core';
import { jsonToStruct } from '../struct-json.js';
import { WORKLOAD_API_SERVICE, WORKLOAD_HEADER, workloadPackage } from '../workload-proto.js';
import { TestTrustDomain, type MintedX509Svid } from './test-trust-domain.js';

const HOUR_MS = 3_600_000;

/** The Workload API's methods, as the test agent counts them. */
export type WorkloadRpc = 'FetchX509SVID' | 'FetchX509Bundles' | 'FetchJWTSVID' | 'FetchJWTBundles' | 'ValidateJWTSVID';
const RPCS: readonly WorkloadRpc[] = ['FetchX509SVID', 'FetchX509Bundles', 'FetchJWTSVID', 'FetchJWTBundles', 'ValidateJWTSVID'];
/** The Workload API's server-streaming methods. */
export type StreamRpc = 'FetchX509SVID' | 'FetchX509Bundles' | 'FetchJWTBundles';

/**
 * One identity the test agent serves.
 *
 * @example
 * ```ts
 * const identity: TestIdentity = { spiffeId: 'spiffe://test.rampart.dev/orders', hint: 'internal' };
 * ```
 */
export interface TestIdentity {
  readonly spiffeId: string;
  readonly hint?: string;
  /** DNS names the SVIDs carry besides the SPIFFE ID (for clients that check host names). */
  readonly dnsNames?: readonly string[];
}

/**
 * Options of `TestWorkloadApi.start`.
 *
 * @example
 * ```ts
 * const options: TestWorkloadApiOptions = { identities: [{ spiffeId: 'spiffe://test.rampart.dev/orders' }], federatedTrustDomains: ['partner.example'] };
 * ```
 */
export interface TestWorkloadApiOptions {
  /** The identities served, the default first; all in one trust domain. Default: `spiffe://test.rampart.dev/workload`. */
  readonly identities?: readonly TestIdentity[];
  /** Lifetime of the X.509-SVIDs minted at start and by `rotate()` without its own. Default 1 hour. */
  readonly svidLifetimeMs?: number;
  /** Lifetime of the JWT-SVIDs FetchJWTSVID mints. Default 300 s. */
  readonly jwtSvidLifetimeSeconds?: number;
  /** Foreign trust domains to federate with from the start (each gets its own CA and JWT key). */
  readonly federatedTrustDomains?: readonly string[];
  /**
   * The trust domain (CA and JWT key) to mint from, shared with other agents: two workloads each with an agent of
   * their own, as on two nodes of one SPIRE deployment. Its name must be the identities' trust domain. Default: a new one.
   */
  readonly trustDomain?: TestTrustDomain;
  /** Foreign trust domains shared with other agents (a partner's SPIRE deployment), federated from the start. */
  readonly federated?: readonly TestTrustDomain[];
  /**
   * Where to listen (an absolute path, its folder created if missing, e.g. where a pod's CSI mount would put the
   * socket). Default: `agent.sock` in a fresh temporary folder, removed on `close()`.
   */
  readonly socketPath?: string;
}

/**
 * A SPIFFE Workload API server for tests, behaving as the SPIRE agent does: on a Unix socket in a temporary folder it
 * creates (and removes on `close`), without TLS; a call without `workload.spiffe.io: true` is refused with
 * InvalidArgument (the Workload Endpoint specification's code, and SPIRE's); the X.509 context and the bundles are sent
 * at once on each stream and pushed again to every open stream on each change (`rotate`, `federate`, `rotateJwtKey`);
 * JWT-SVIDs are minted with a per-trust-domain ES256 key; `stop()`/`start()` restart it on the same socket. It counts
 * calls and open streams so tests can assert what reached it.
 *
 * @example
 * ```ts
 * const agent = await TestWorkloadApi.start({ identities: [{ spiffeId: 'spiffe://test.rampart.dev/orders' }] });
 * const source = await X509Source.create({ address: agent.address });
 * await agent.rotate({ lifetimeMs: 60_000 });
 * await agent.close();
 * ```
 */
export class TestWorkloadApi {
  /** Calls per method that carried the header and were served. */
  readonly calls: Record<WorkloadRpc, number> = Object.fromEntries(RPCS.map((rpc) => [rpc, 0])) as Record<WorkloadRpc, number>;
  /** Calls refused for a missing or wrong `workload.spiffe.io` header. */
  refusedCalls = 0;
  readonly #streams: Record<StreamRpc, Set<ServerWritableStream<unknown, unknown>>> = {
    FetchX509SVID: new Set(),
    FetchX509Bundles: new Set(),
    FetchJWTBundles: new Set(),
  };
  readonly #domains = new Map<string, TestTrustDomain>();
  #svids: MintedX509Svid[] = [];
  #server: Server | undefined;
  /** The temporary folder this agent made (and removes), when no socketPath was given. */
  readonly #dir: string | undefined;
  readonly #socketPath: string;

  private constructor(
    readonly own: TestTrustDomain,
    private readonly identities: readonly TestIdentity[],
    private readonly options: TestWorkloadApiOptions,
  ) {
    if (options.socketPath === undefined) {
      this.#dir = mkdtempSync(join(tmpdir(), 'rampart-spiffe-'));
      this.#socketPath = join(this.#dir, 'agent.sock');
    } else {
      if (!isAbsolute(options.socketPath)) throw new TypeError('TestWorkloadApi: socketPath must be an absolute path');
      mkdirSync(dirname(options.socketPath), { recursive: true });
      this.#socketPath = options.socketPath;
    }
    this.#domains.set(own.name, own);
  }

  /** Starts an agent on a fresh socket with freshly minted SVIDs. */
  static async start(options: TestWorkloadApiOptions = {}): Promise<TestWorkloadApi> {
    const identities = options.identities ?? [{ spiffeId: 'spiffe://test.rampart.dev/workload' }];
    if (identities.length === 0) throw new TypeError('TestWorkloadApi: give at least one identity');
    const domains = new Set(identities.map((identity) => parseSpiffeId(identity.spiffeId).trustDomain));
    if (domains.size !== 1) throw new TypeError('TestWorkloadApi: every identity must be in one trust domain');
    const name = [...domains][0]!;
    if (options.trustDomain !== undefined && options.trustDomain.name !== name) {
      throw new TypeError(`TestWorkloadApi: the trust domain given is ${options.trustDomain.name}, the identities are in ${name}`);
    }
    const agent = new TestWorkloadApi(options.trustDomain ?? (await TestTrustDomain.create(name)), identities, options);
    for (const federated of options.federatedTrustDomains ?? []) agent.#domains.set(federated, await TestTrustDomain.create(federated));
    for (const federated of options.federated ?? []) agent.#domains.set(federated.name, federated);
    agent.#svids = await agent.#mint(options.svidLifetimeMs ?? HOUR_MS);
    await agent.start();
    return agent;
  }

  /** The socket's path. */
  get socketPath(): string {
    return this.#socketPath;
  }

  /** The address to give a client: `unix:///…/agent.sock`. */
  get address(): string {
    return `unix://${this.socketPath}`;
  }

  /** The agent's own trust domain name. */
  get trustDomain(): string {
    return this.own.name;
  }

  /** The X.509-SVIDs served now, the default first. */
  get svids(): readonly MintedX509Svid[] {
    return this.#svids;
  }

  /** Open streams per streaming method. */
  get openStreams(): Record<StreamRpc, number> {
    return { FetchX509SVID: this.#streams.FetchX509SVID.size, FetchX509Bundles: this.#streams.FetchX509Bundles.size, FetchJWTBundles: this.#streams.FetchJWTBundles.size };
  }

  /** A trust domain the agent knows (its own or a federated one). */
  domain(name: string): TestTrustDomain {
    const domain = this.#domains.get(name);
    if (domain === undefined) throw new TypeError(`TestWorkloadApi: no trust domain ${name}`);
    return domain;
  }

  /** Whether the server is listening. */
  get running(): boolean {
    return this.#server !== undefined;
  }

  /** Listens on the socket (again, after `stop()`: an agent restart). */
  async start(): Promise<void> {
    if (this.#server !== undefined) return;
    rmSync(this.socketPath, { force: true });
    const server = new Server();
    const service = (loadPackageDefinition(workloadPackage())[WORKLOAD_API_SERVICE] as ServiceClientConstructor).service;
    server.addService(service, this.#handlers());
    await new Promise<void>((resolve, reject) => {
      server.bindAsync(this.address, ServerCredentials.createInsecure(), (error) => (error === null ? resolve() : reject(error)));
    });
    this.#server = server;
  }

  /** Stops at once, ending every open stream (as a crashed or restarting agent does); the socket folder stays. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    for (const set of Object.values(this.#streams)) set.clear();
    server.forceShutdown();
    await Promise.resolve();
  }

  /** Stops and removes the socket (and the folder it made for it). */
  async close(): Promise<void> {
    await this.stop();
    rmSync(this.#socketPath, { force: true });
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
  }

  /** Mints new X.509-SVIDs for every identity (`lifetimeMs`, default the start option's) and pushes them to every FetchX509SVID stream. */
  async rotate(options: { readonly lifetimeMs?: number } = {}): Promise<void> {
    this.#svids = await this.#mint(options.lifetimeMs ?? this.options.svidLifetimeMs ?? HOUR_MS);
    this.#push('FetchX509SVID');
  }

  /** Federates with a new trust domain (or gives an existing federated one a new CA) and pushes every bundle stream. */
  async federate(name: string): Promise<TestTrustDomain> {
    let domain = this.#domains.get(name);
    if (domain === undefined) this.#domains.set(name, (domain = await TestTrustDomain.create(name)));
    else await domain.rotateCa();
    this.#pushAll();
    return domain;
  }

  /** Stops federating with a trust domain and pushes every bundle stream. */
  unfederate(name: string): void {
    if (name === this.own.name) throw new TypeError('TestWorkloadApi: the own trust domain cannot be unfederated');
    this.#domains.delete(name);
    this.#pushAll();
  }

  /** A new JWT signing key for a trust domain (default the own); the old one stays in the bundle. Pushes the JWT bundles. */
  async rotateJwtKey(name: string = this.own.name): Promise<void> {
    await this.domain(name).rotateJwtKey();
    this.#push('FetchJWTBundles');
  }

  /** Sends a message of your own to every FetchX509SVID stream (to test how a client treats a bad response). */
  pushX509Response(message: unknown): void {
    for (const call of this.#streams.FetchX509SVID) call.write(message);
  }

  /** Sends a message of your own to every FetchJWTBundles stream. */
  pushJwtBundlesResponse(message: unknown): void {
    for (const call of this.#streams.FetchJWTBundles) call.write(message);
  }

  /** Mints a JWT-SVID as FetchJWTSVID would, signed by `trustDomain`'s key (default: the SPIFFE ID's own). */
  mintJwtSvid(options: {
    readonly spiffeId: string;
    readonly audience: readonly string[];
    readonly lifetimeSeconds?: number;
    readonly trustDomain?: string;
    readonly claims?: Record<string, unknown>;
  }): Promise<string> {
    const signer = this.domain(options.trustDomain ?? parseSpiffeId(options.spiffeId).trustDomain);
    return signer.signJwtSvid({ ...options, lifetimeSeconds: options.lifetimeSeconds ?? this.options.jwtSvidLifetimeSeconds ?? 300 });
  }

  async #mint(lifetimeMs: number): Promise<MintedX509Svid[]> {
    return Promise.all(this.identities.map((identity) => this.own.mintX509Svid(identity.spiffeId, lifetimeMs, identity.dnsNames)));
  }

  #x509Response(): object {
    const federated = [...this.#domains.values()].filter((domain) => domain !== this.own);
    return {
      svids: this.#svids.map((svid, i) => ({
        spiffeId: svid.spiffeId,
        x509Svid: svid.certificateDer,
        x509SvidKey: svid.privateKeyDer,
        bundle: this.own.bundleDer(),
        hint: this.identities[i]?.hint ?? '',
      })),
      federatedBundles: Object.fromEntries(federated.map((domain) => [`spiffe://${domain.name}`, domain.bundleDer()])),
    };
  }

  #x509BundlesResponse(): object {
    return { bundles: Object.fromEntries([...this.#domains.values()].map((domain) => [`spiffe://${domain.name}`, domain.bundleDer()])) };
  }

  #jwtBundlesResponse(): object {
    return { bundles: Object.fromEntries([...this.#domains.values()].map((domain) => [`spiffe://${domain.name}`, Buffer.from(JSON.stringify(domain.jwks()))])) };
  }

  #response(rpc: StreamRpc): object {
    if (rpc === 'FetchX509SVID') return this.#x509Response();
    if (rpc === 'FetchX509Bundles') return this.#x509BundlesResponse();
    return this.#jwtBundlesResponse();
  }

  #push(rpc: StreamRpc): void {
    const message = this.#response(rpc);
    for (const call of this.#streams[rpc]) call.write(message);
  }

  #pushAll(): void {
    this.#push('FetchX509SVID');
    this.#push('FetchX509Bundles');
    this.#push('FetchJWTBundles');
  }

  /** Counts a call and checks its header; false (after refusing it) when the header is missing. */
  #admit(rpc: WorkloadRpc, metadata: { get(key: string): unknown[] }, refuse: (code: number, details: string) => void): boolean {
    const values = metadata.get(WORKLOAD_HEADER.key);
    if (values.length !== 1 || values[0] !== WORKLOAD_HEADER.value) {
      this.refusedCalls++;
      refuse(GrpcStatus.INVALID_ARGUMENT, 'security header missing from request');
      return false;
    }
    this.calls[rpc]++;
    return true;
  }

  #handlers(): UntypedServiceImplementation {
    const stream = (rpc: StreamRpc) => (call: ServerWritableStream<unknown, unknown>): void => {
      if (!this.#admit(rpc, call.metadata, (code, details) => call.emit('error', new AgentRefusal(code, details)))) return;
      const set = this.#streams[rpc];
      set.add(call);
      call.on('cancelled', () => set.delete(call));
      call.on('close', () => set.delete(call));
      call.write(this.#response(rpc));
    };
    return {
      FetchX509SVID: stream('FetchX509SVID'),
      FetchX509Bundles: stream('FetchX509Bundles'),
      FetchJWTBundles: stream('FetchJWTBundles'),
      FetchJWTSVID: (call: ServerUnaryCall<{ audience: string[]; spiffeId: string }, unknown>, callback: sendUnaryData<unknown>) => {
        if (!this.#admit('FetchJWTSVID', call.metadata, (code, details) => callback(new AgentRefusal(code, details)))) return;
        void this.#fetchJwtSvid(call.request).then(
          (response) => callback(null, response),
          (error: unknown) => callback(error instanceof AgentRefusal ? error : new AgentRefusal(GrpcStatus.INTERNAL, 'internal error')),
        );
      },
      ValidateJWTSVID: (call: ServerUnaryCall<{ audience: string; svid: string }, unknown>, callback: sendUnaryData<unknown>) => {
        if (!this.#admit('ValidateJWTSVID', call.metadata, (code, details) => callback(new AgentRefusal(code, details)))) return;
        void this.#validate(call.request).then(
          (response) => callback(null, response),
          (error: unknown) => callback(error instanceof AgentRefusal ? error : new AgentRefusal(GrpcStatus.INTERNAL, 'internal error')),
        );
      },
    };
  }

  async #fetchJwtSvid(request: { audience: string[]; spiffeId: string }): Promise<object> {
    if (request.audience.length === 0) throw new AgentRefusal(GrpcStatus.INVALID_ARGUMENT, 'audience must be specified');
    const identities = request.spiffeId === '' ? this.identities : this.identities.filter((identity) => identity.spiffeId === request.spiffeId);
    if (identities.length === 0) throw new AgentRefusal(GrpcStatus.PERMISSION_DENIED, 'no identity issued');
    const lifetimeSeconds = this.options.jwtSvidLifetimeSeconds ?? 300;
    const svids = await Promise.all(
      identities.map(async (identity) => ({
        spiffeId: identity.spiffeId,
        svid: await this.own.signJwtSvid({ spiffeId: identity.spiffeId, audience: request.audience, lifetimeSeconds }),
        hint: identity.hint ?? '',
      })),
    );
    return { svids };
  }

  async #validate(request: { audience: string; svid: string }): Promise<object> {
    if (request.audience === '') throw new AgentRefusal(GrpcStatus.INVALID_ARGUMENT, 'audience must be specified');
    if (request.svid === '') throw new AgentRefusal(GrpcStatus.INVALID_ARGUMENT, 'svid must be specified');
    try {
      const sub = decodeJwt(request.svid).sub ?? '';
      const domain = this.#domains.get(parseSpiffeId(sub).trustDomain);
      if (domain === undefined) throw new Error(`no keys found for trust domain of ${sub}`);
      // jose picks only keys without `use` or with `use: sig`; a SPIFFE bundle marks its JWT keys `use: jwt-svid`.
      const keys = domain.jwks().keys.map(({ use: _use, ...key }) => key);
      const { payload } = await jwtVerify(request.svid, createLocalJWKSet({ keys }), { audience: request.audience, algorithms: ['ES256'] });
      return { spiffeId: sub, claims: jsonToStruct(payload) };
    } catch (error) {
      throw new AgentRefusal(GrpcStatus.INVALID_ARGUMENT, (error as Error).message);
    }
  }
}

/** A status the test agent answers with, as grpc-js takes it from a handler (`code`, `details`). */
class AgentRefusal extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(details);
  }
}

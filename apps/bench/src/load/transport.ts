/** What the load generator's two HTTP/2 clients have in common. */

/** Where a generator connects, and with which credentials (none: plaintext h2c). */
export interface RawTarget {
  readonly port: number;
  readonly host?: string;
  readonly tls?: {
    readonly caPem: string;
    /** The name the server certificate must carry (default `localhost`). */
    readonly servername?: string;
    /** A client certificate to present (mutual TLS). */
    readonly certPem?: string;
    readonly keyPem?: string;
  };
}

/** How a call ended: the gRPC status and message from the trailers (or trailers-only headers), the messages. */
export interface RawResult {
  /** gRPC status; -1 when the stream failed without one (reset, connection lost). */
  readonly status: number;
  readonly message: string;
  /** The response messages (empty when an `onMessage` callback took them). */
  readonly messages: Buffer[];
  /** True when the server never processed the call (refused, or past its GOAWAY's last stream): safe to send again. */
  readonly unprocessed?: boolean;
}

/** Called for every response message as it arrives (server streams), before the call completes. */
export type OnMessage = (message: Buffer) => void;

/** One gRPC request's headers. Build once and reuse: clients cache per request. */
export interface GrpcRequest {
  readonly path: string;
  /** The `authorization` value (e.g. `Bearer …`). */
  readonly authorization?: string;
  /** A value that differs every call (a fresh token): not worth indexing in HPACK. */
  readonly volatile?: boolean;
}

/** A connection that makes gRPC calls: sends one framed request message, half-closes, collects the response. */
export interface GrpcTransport {
  /** Never rejects: a failed stream resolves with status -1. */
  call(request: GrpcRequest, body: Buffer, onMessage?: OnMessage): Promise<RawResult>;
  /** Closes gracefully. */
  /** Whether new calls can start on this connection (false once closed, or after the server's GOAWAY). */
  readonly accepting: boolean;
  close(): void;
  destroy(): void;
}

/** Which client the generator uses. */
export type ClientKind = 'lite' | 'node-http2';

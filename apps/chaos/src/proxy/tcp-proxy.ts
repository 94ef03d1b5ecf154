import { createServer, connect, type Server, type Socket } from 'node:net';
import { CLEAN_LINK, releaseAt, type LinkFaults } from './link-faults.js';

/** One direction of a proxied connection: chunks leave in order, each at its release time. */
class DelayedPipe {
  readonly #queue: { at: number; chunk: Buffer }[] = [];
  #timer: NodeJS.Timeout | undefined;
  #last = 0;

  constructor(
    private readonly to: Socket,
    private readonly link: () => LinkFaults,
  ) {}

  push(chunk: Buffer): void {
    const faults = this.link();
    const now = Date.now();
    if (this.#queue.length === 0 && !faults.partitioned && faults.latencyMs === 0 && faults.jitterMs === 0 && faults.loss === 0) {
      this.to.write(chunk);
      return;
    }
    this.#last = releaseAt(now, this.#last, faults);
    this.#queue.push({ at: this.#last, chunk });
    this.flush();
  }

  /** Sends what is due (nothing while partitioned) and arms a timer for the next chunk. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.link().partitioned || this.to.destroyed) return;
    const now = Date.now();
    while (this.#queue.length > 0 && (this.#queue[0]?.at ?? 0) <= now) this.to.write(this.#queue.shift()?.chunk ?? Buffer.alloc(0));
    const next = this.#queue[0];
    if (next) this.#timer = setTimeout(() => this.flush(), next.at - now);
  }

  get pending(): number {
    return this.#queue.length;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#queue.length = 0;
  }
}

/** A proxied connection: the client's socket, the upstream socket once connected, a delayed pipe each way. */
interface Link {
  readonly client: Socket;
  upstream?: Socket;
  pipes: DelayedPipe[];
}

/**
 * A TCP proxy in front of one server that plays the network between its clients and it: latency, jitter, loss (as
 * late chunks) and partitions ({@link LinkFaults}), changed at any time with {@link set}. In a partition nothing
 * crosses and new connections hang unanswered; when it heals, held bytes flow on, as TCP's retransmissions do.
 */
export class TcpProxy {
  #faults: LinkFaults = CLEAN_LINK;
  readonly #links = new Set<Link>();
  readonly #server: Server;
  #waiting: Link[] = [];

  constructor(
    private readonly listen: { host: string; port: number },
    private readonly target: { host: string; port: number },
  ) {
    this.#server = createServer({ noDelay: true }, (client) => this.#accept(client));
  }

  get faults(): LinkFaults {
    return this.#faults;
  }

  /** Connections open now (client side). */
  get connections(): number {
    return this.#links.size;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.listen.port, this.listen.host, () => resolve());
    });
  }

  /** Changes what the link does from now on; healing a partition lets held bytes and waiting connections through. */
  set(faults: LinkFaults): void {
    const healed = this.#faults.partitioned && !faults.partitioned;
    this.#faults = faults;
    for (const link of this.#links) {
      for (const socket of [link.client, link.upstream]) {
        if (faults.partitioned) socket?.pause();
        else socket?.resume();
      }
      for (const pipe of link.pipes) pipe.flush();
    }
    if (healed) {
      const waiting = this.#waiting;
      this.#waiting = [];
      for (const link of waiting) this.#connectUpstream(link);
    }
  }

  async close(): Promise<void> {
    for (const link of this.#links) {
      for (const pipe of link.pipes) pipe.stop();
      link.client.destroy();
      link.upstream?.destroy();
    }
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    const link: Link = { client, pipes: [] };
    this.#links.add(link);
    client.on('error', () => undefined);
    client.once('close', () => {
      this.#links.delete(link);
      const [toUpstream, toClient] = link.pipes;
      toClient?.stop();
      // What the client sent before it went still reaches the server, then the server sees the close, as over TCP.
      if (toUpstream && link.upstream) this.#closeAfter(toUpstream, link.upstream);
      else link.upstream?.destroy();
    });
    if (this.#faults.partitioned) {
      client.pause();
      this.#waiting.push(link);
      return;
    }
    this.#connectUpstream(link);
  }

  #connectUpstream(link: Link): void {
    if (link.client.destroyed) return;
    const upstream = connect({ host: this.target.host, port: this.target.port, noDelay: true });
    link.upstream = upstream;
    const toUpstream = new DelayedPipe(upstream, () => this.#faults);
    const toClient = new DelayedPipe(link.client, () => this.#faults);
    link.pipes = [toUpstream, toClient];
    link.client.on('data', (chunk: Buffer) => toUpstream.push(chunk));
    upstream.on('data', (chunk: Buffer) => toClient.push(chunk));
    upstream.on('error', () => undefined);
    // The server's last frames (trailers, GOAWAY) may still be on their way when it closes: deliver them first.
    upstream.once('close', () => this.#closeAfter(toClient, link.client));
    link.client.once('end', () => this.#endAfter(toUpstream, upstream));
    upstream.once('end', () => this.#endAfter(toClient, link.client));
    link.client.resume();
  }

  /** Half-closes `socket` once everything queued towards it has been written. */
  #endAfter(pipe: DelayedPipe, socket: Socket): void {
    const check = (): void => {
      if (pipe.pending === 0 || socket.destroyed) socket.end();
      else setTimeout(check, 20);
    };
    check();
  }

  /** Closes `socket` once everything queued towards it has been written (its FIN after its data). */
  #closeAfter(pipe: DelayedPipe, socket: Socket): void {
    const check = (): void => {
      if (socket.destroyed) return pipe.stop();
      if (pipe.pending > 0 && !this.#faults.partitioned) return void setTimeout(check, 20);
      pipe.stop();
      socket.end();
      setTimeout(() => socket.destroy(), 1_000).unref();
    };
    check();
  }
}

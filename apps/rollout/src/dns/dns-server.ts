import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';

/** RCODE 3: the name does not exist. */
const NXDOMAIN = 3;

/**
 * A small authoritative DNS server over UDP, standing in for the cluster DNS of a headless Service: each name
 * answers A queries with the address of every current replica, and the harness changes the records as replicas
 * come and go. Names it does not hold answer NXDOMAIN; a name it holds answers other types with no records.
 *
 * @example
 * ```ts
 * const dns = await DnsServer.start('127.0.0.1');
 * dns.set('inventory.rollout.test', ['10.77.0.10', '10.77.0.11']);
 * // grpc-js target: `dns://${dns.address}/inventory.rollout.test:50051`
 * ```
 */
export class DnsServer {
  readonly #records = new Map<string, readonly string[]>();
  #queries = 0;

  private constructor(
    private readonly socket: Socket,
    readonly host: string,
    readonly port: number,
    private readonly ttlSeconds: number,
  ) {
    socket.on('message', (message, from) => {
      const reply = this.answer(message);
      if (reply) socket.send(reply, from.port, from.address);
    });
  }

  /** Binds a UDP socket on `host` (port 0: any free port). */
  static async start(host: string, options: { port?: number; ttlSeconds?: number } = {}): Promise<DnsServer> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port ?? 0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new DnsServer(socket, host, socket.address().port, options.ttlSeconds ?? 1);
  }

  /** `host:port`, the authority of a `dns://host:port/name:port` target. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** How many queries it has answered. */
  get queries(): number {
    return this.#queries;
  }

  /** Replaces the A records of `name` (an empty list keeps the name, with no address). */
  set(name: string, addresses: readonly string[]): void {
    this.#records.set(normalize(name), [...addresses]);
  }

  /** The current A records of `name`. */
  get(name: string): readonly string[] {
    return this.#records.get(normalize(name)) ?? [];
  }

  /** Adds one address to `name`'s records. */
  add(name: string, address: string): void {
    const current = this.get(name);
    if (!current.includes(address)) this.set(name, [...current, address]);
  }

  /** Removes one address from `name`'s records. */
  remove(name: string, address: string): void {
    this.set(name, this.get(name).filter((a) => a !== address));
  }

  /** The reply to one query message, or undefined for a message that is not a query. */
  answer(message: Buffer): Buffer | undefined {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return undefined;
    }
    if (query.type !== 'query') return undefined;
    this.#queries += 1;
    const question = query.questions?.[0];
    const records = question ? this.#records.get(normalize(question.name)) : undefined;
    const recursion = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
    const flags = dnsPacket.AUTHORITATIVE_ANSWER | recursion | (records === undefined ? NXDOMAIN : 0);
    const answers: dnsPacket.Answer[] =
      question && records && question.type === 'A'
        ? records.map((data) => ({ type: 'A', name: question.name, class: 'IN', ttl: this.ttlSeconds, data }))
        : [];
    return dnsPacket.encode({ type: 'response', id: query.id ?? 0, flags, questions: query.questions ?? [], answers });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

const normalize = (name: string): string => name.toLowerCase().replace(/\.$/, '');

import { LatencyRecorder } from '../stats.js';
import type { LoadWindow } from '../ipc.js';
import type { GrpcRequest, GrpcTransport, RawResult } from './transport.js';

/** What every call of a closed loop sends and expects back. */
export interface CallPlan {
  readonly method: 'unary' | 'stream';
  /** Requests, cycled call by call (one entry: the same request every call). */
  readonly requests: readonly GrpcRequest[];
  /** The framed request message. */
  readonly body: Buffer;
  /** Every response message must equal this. */
  readonly expected: Buffer;
  /** Messages a stream must deliver (unary: 1). */
  readonly messages: number;
}

/**
 * A closed-loop load: `concurrency` callers spread over the connections, each starting its next call as soon as
 * its previous one completed, so the server, not a schedule, sets the pace. Counts completed calls (unary) or
 * received messages (streams) and latencies only inside a window; errors always.
 */
export class ClosedLoop {
  #running = false;
  #measuring = false;
  #windowStart = 0;
  #windowCpu: NodeJS.CpuUsage | undefined;
  #units = 0;
  #issued = 0;
  #completed = 0;
  #limit = Number.POSITIVE_INFINITY;
  #next = 0;
  #errors = 0;
  #firstError: string | undefined;
  readonly #latencies = new LatencyRecorder();
  #workers: Promise<void>[] = [];

  constructor(
    private readonly connections: readonly GrpcTransport[],
    private readonly plan: CallPlan,
    private readonly concurrency: number,
  ) {}

  /**
   * Starts the callers (again, after {@link stop}); with `calls`, they stop by themselves after that many more calls
   * (see {@link finished}); `concurrency` callers instead of the configured number (the latency curve).
   */
  start(calls?: number, concurrency = this.concurrency): void {
    if (this.#running) throw new Error('the loop is already running');
    this.#running = true;
    this.#issued = 0;
    this.#limit = calls ?? Number.POSITIVE_INFINITY;
    this.#workers = Array.from({ length: concurrency }, (_, i) =>
      this.#worker(this.connections[i % this.connections.length] as GrpcTransport),
    );
  }

  /** Resolves when every caller has stopped (after {@link stop}, or when the call limit was reached). */
  finished(): Promise<void> {
    return Promise.all(this.#workers).then(() => {
      this.#running = false;
    });
  }

  beginWindow(): void {
    this.#latencies.reset();
    this.#units = 0;
    this.#windowCpu = process.cpuUsage();
    this.#windowStart = performance.now();
    this.#measuring = true;
  }

  endWindow(): LoadWindow {
    this.#measuring = false;
    const wallMs = performance.now() - this.#windowStart;
    const cpu = process.cpuUsage(this.#windowCpu);
    const { p50, p99 } = this.#latencies.summary();
    return { units: this.#units, wallMs, p50Ms: p50, p99Ms: p99, cpuUs: cpu.user + cpu.system };
  }

  /** Stops starting calls; resolves when the ones in flight completed. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.finished();
  }

  get completed(): number {
    return this.#completed;
  }

  get errors(): number {
    return this.#errors;
  }

  get firstError(): string | undefined {
    return this.#firstError;
  }

  async #worker(connection: GrpcTransport): Promise<void> {
    const { plan } = this;
    let received = 0;
    const onMessage =
      plan.method === 'stream'
        ? (message: Buffer): void => {
            received += 1;
            if (this.#measuring) this.#units += 1;
            if (!message.equals(plan.expected)) this.#fail('unexpected stream message');
          }
        : undefined;
    while (this.#running && this.#issued < this.#limit) {
      this.#issued += 1;
      const request = plan.requests[this.#next] as GrpcRequest;
      this.#next = (this.#next + 1) % plan.requests.length;
      received = 0;
      const started = performance.now();
      const result = await connection.call(request, plan.body, onMessage);
      const elapsed = performance.now() - started;
      this.#completed += 1;
      this.#check(result, onMessage === undefined ? undefined : received);
      if (this.#measuring) {
        this.#latencies.record(elapsed);
        if (plan.method === 'unary') this.#units += 1;
      }
    }
  }

  /** `streamed`: messages a stream delivered (undefined for unary calls, whose messages are in the result). */
  #check(result: RawResult, streamed: number | undefined): void {
    if (result.status !== 0) {
      this.#fail(`grpc-status ${result.status} ${result.message}`);
    } else if (streamed !== undefined) {
      if (streamed !== this.plan.messages) this.#fail(`stream delivered ${streamed} of ${this.plan.messages} messages`);
    } else if (result.messages.length !== 1 || !(result.messages[0] as Buffer).equals(this.plan.expected)) {
      this.#fail(`unexpected response (${result.messages.length} messages)`);
    }
  }

  #fail(why: string): void {
    this.#errors += 1;
    this.#firstError ??= why;
  }
}

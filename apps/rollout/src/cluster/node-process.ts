import type { ChildProcess } from 'node:child_process';
import type { Host } from '../network/hosts.js';
import type { MemoryReport } from '../replicas/memory-report.js';

/** One allowed call as a replica's audit log line reports it. */
export interface ServedCall {
  /** Epoch ms of the log line. */
  readonly at: number;
  /** The RPC path, e.g. `/rampart.demo.orders.v1.OrdersService/PlaceOrder`. */
  readonly rpc: string;
}

/** A Node process the harness started on one of its hosts, with the calls its log says it admitted. */
export class NodeProcess {
  readonly child: ChildProcess;
  readonly served: ServedCall[] = [];
  /** Log lines at warn and above, and lines that are not JSON (start-up errors), kept for the report. */
  readonly problems: string[] = [];
  readonly tail: string[] = [];
  /** The last memory report the process wrote (replicas started with `ROLLOUT_MEMORY_REPORT_MS`). */
  memory: (MemoryReport & { readonly at: number }) | undefined;
  readonly exited: Promise<number | null>;
  readonly startedAt = Date.now();
  exitedAt: number | undefined;
  #partial = '';

  constructor(
    readonly name: string,
    readonly host: Host,
    script: string,
    env: Record<string, string>,
  ) {
    this.child = host.spawn(process.execPath, [script], { ...otelDefaults(process.env), ...process.env, ...env });
    this.child.stdout?.on('data', (chunk: Buffer) => this.#collect(chunk));
    this.child.stderr?.on('data', (chunk: Buffer) => this.#collect(chunk));
    this.child.once('error', (error) => this.problems.push(`could not start: ${String(error)}`));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exitedAt = Date.now();
        resolve(code ?? (signal ? 128 : null));
      }),
    );
  }

  get running(): boolean {
    return this.exitedAt === undefined;
  }

  /** Log lines (JSON) whose `msg` matches, with their time. */
  readonly events: { at: number; msg: string }[] = [];

  #collect(chunk: Buffer): void {
    const text = this.#partial + chunk.toString();
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  #line(line: string): void {
    if (line.trim() === '') return;
    this.tail.push(line);
    if (this.tail.length > 200) this.tail.splice(0, 100);
    let entry: { time?: number; level?: number; msg?: string; rpc?: string; audit?: { decision?: string }; memory?: MemoryReport };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      this.problems.push(line);
      return;
    }
    const at = entry.time ?? Date.now();
    if (entry.memory !== undefined) {
      this.memory = { ...entry.memory, at };
      return;
    }
    if (entry.audit?.decision === 'allow') {
      this.served.push({ at, rpc: entry.rpc ?? '?' });
      return;
    }
    if (entry.msg) this.events.push({ at, msg: entry.msg });
    if ((entry.level ?? 0) >= 40) this.problems.push(line);
  }

  /** SIGTERM; SIGKILL after `killAfterMs` if still running. Resolves with the exit code. */
  async stop(killAfterMs = 30_000): Promise<number | null> {
    if (!this.running) return this.exited;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), killAfterMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/**
 * The sample system's processes start an OpenTelemetry SDK from the OTEL_* variables; with none set it would export
 * OTLP to localhost:4318, where nothing listens here, and the issuer would load the SDK at every restart. Off unless
 * the harness's environment asks for it (an endpoint, an exporter, or OTEL_SDK_DISABLED itself).
 */
function otelDefaults(env: NodeJS.ProcessEnv): Record<string, string> {
  const asked = ['OTEL_SDK_DISABLED', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER'].some((k) => env[k] !== undefined);
  return asked ? {} : { OTEL_SDK_DISABLED: 'true' };
}

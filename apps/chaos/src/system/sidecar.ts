import { NodeProcess, waitForPort, type Host } from '@rampart/rollout';
import { fileURLToPath } from 'node:url';
import { CLEAN_LINK, type LinkFaults } from '../proxy/link-faults.js';
import { setLinkFaults } from '../proxy/proxy-control.js';

/** The port of every proxy's control channel (on its host). */
export const CONTROL_PORT = 9099;

const proxyMain = (): string => fileURLToPath(new URL('../proxy/proxy-main.js', import.meta.url));

/** A proxy process on a server's host, in front of it: `listenPort` → `targetPort`, faults set through its control port. */
export class Sidecar {
  readonly process: NodeProcess;
  #faults: LinkFaults = CLEAN_LINK;

  private constructor(
    readonly name: string,
    readonly host: Host,
    listenPort: number,
    targetPort: number,
  ) {
    this.process = new NodeProcess(name, host, proxyMain(), {
      CHAOS_PROXY_LISTEN: `${host.address}:${listenPort}`,
      CHAOS_PROXY_TARGET: `${host.address}:${targetPort}`,
      CHAOS_PROXY_CONTROL_PORT: String(CONTROL_PORT),
    });
  }

  /** Starts the proxy for `name` on `host` and waits until both its ports accept connections. */
  static async start(name: string, host: Host, listenPort: number, targetPort: number): Promise<Sidecar> {
    const sidecar = new Sidecar(name, host, listenPort, targetPort);
    await waitForPort(host.address, CONTROL_PORT, 10_000, sidecar.process.exited);
    await waitForPort(host.address, listenPort, 10_000, sidecar.process.exited);
    return sidecar;
  }

  get faults(): LinkFaults {
    return this.#faults;
  }

  async set(faults: LinkFaults): Promise<void> {
    if (!this.process.running) return;
    await setLinkFaults(this.host.address, CONTROL_PORT, faults);
    this.#faults = faults;
  }

  stop(): Promise<number | null> {
    return this.process.stop(2_000);
  }
}

import { RampartError } from '@rampart/core';
import type { Server, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';

/**
 * `grpc.health.v1.Health`, kept in step with the app: NOT_SERVING until ready, NOT_SERVING again on shutdown. One
 * status source for the service port and the health port: both serve the same `HealthImplementation`, so a `Watch`
 * on either sees every change.
 */
export class HealthReporter {
  readonly implementation: HealthImplementation;

  constructor(private readonly services: readonly string[]) {
    this.implementation = new HealthImplementation(
      Object.fromEntries(['', ...services].map((s) => [s, 'NOT_SERVING' satisfies ServingStatus])),
    );
  }

  /** Sets the overall status (service `""`) and every service's status. */
  setAll(status: ServingStatus): void {
    for (const service of ['', ...this.services]) this.implementation.setStatus(service, status);
  }

  /** Adds the whole health service (Check, Watch and List) to the service port. */
  addTo(server: Server): void {
    this.implementation.addToServer(server);
  }

  /**
   * Adds `Check` and `Watch` only to `server` (the plaintext health port): `List`, which names every service of the
   * app, is left out, so grpc-js answers it UNIMPLEMENTED like any other method there.
   */
  addProbesTo(server: Server): void {
    this.implementation.addToServer({
      addService: (definition: ServiceDefinition, implementation: UntypedServiceImplementation) => {
        const { check, watch } = implementation;
        if (check === undefined || watch === undefined) throw new RampartError('ERR_INTERNAL', 'grpc-health-check gave no check or watch handler');
        server.addService(definition, { check, watch });
      },
    });
  }
}

import { HealthImplementation, type ServingStatus } from 'grpc-health-check';

/** `grpc.health.v1.Health`, kept in step with the app: NOT_SERVING until ready, NOT_SERVING again on shutdown. */
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
}

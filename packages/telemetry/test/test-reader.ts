import { AggregationTemporality, MetricReader } from '@opentelemetry/sdk-metrics';

/** An in-memory, cumulative metric reader: `collect()` on demand. */
export class TestReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

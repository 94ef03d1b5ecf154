import { MetricReader, type DataPoint, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

/** An in-memory metric reader: `collect()` on demand. */
export class TestMetricReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }

  /** The data points of one metric, from a fresh collection. */
  async points<T = unknown>(name: string): Promise<DataPoint<T>[]> {
    const { resourceMetrics } = await this.collect();
    return pointsOf<T>(resourceMetrics, name);
  }
}

export function pointsOf<T>(resourceMetrics: ResourceMetrics, name: string): DataPoint<T>[] {
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) => metric.dataPoints as DataPoint<T>[]);
}

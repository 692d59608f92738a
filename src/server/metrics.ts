/**
 * Prometheus metrics (prom-client), one registry per service. Counters are fed by the
 * processors' results; queue depths and source health are read from Redis when scraped.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ProcessResult } from '../pipeline/process-article.js';

export interface Metrics {
  readonly registry: Registry;
  observePoll(poll: { sourceId: string; outcome: string; errorClass?: string | undefined }, seconds: number): void;
  observeArticle(result: ProcessResult, seconds: number): void;
  /** Registers a gauge whose value is computed at scrape time. */
  addCollector(name: string, help: string, labelNames: readonly string[], collect: (set: (labels: Record<string, string>, value: number) => void) => Promise<void>): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'belwatch_' });
  const fetches = new Counter({ name: 'belwatch_fetches_total', help: 'Source polls by outcome', labelNames: ['source', 'outcome', 'error_class'], registers: [registry] });
  const articles = new Counter({ name: 'belwatch_articles_total', help: 'Processed articles by status (new, duplicate, clustered)', labelNames: ['status'], registers: [registry] });
  const matches = new Counter({ name: 'belwatch_matches_total', help: 'Rule matches handed to subscriptions', labelNames: ['rule'], registers: [registry] });
  const durations = new Histogram({
    name: 'belwatch_job_duration_seconds',
    help: 'Job durations by queue',
    labelNames: ['queue'],
    buckets: [0.005, 0.02, 0.1, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  return {
    registry,
    observePoll(s, seconds) {
      fetches.inc({ source: s.sourceId, outcome: s.outcome, error_class: s.errorClass ?? '' });
      durations.observe({ queue: 'poll' }, seconds);
    },
    observeArticle(r, seconds) {
      articles.inc({ status: r.status });
      for (const rule of r.handedOff) matches.inc({ rule });
      durations.observe({ queue: 'process' }, seconds);
    },
    addCollector(name, help, labelNames, collect) {
      new Gauge({
        name,
        help,
        labelNames: [...labelNames],
        registers: [registry],
        async collect() {
          this.reset();
          await collect((labels, value) => this.set(labels, value));
        },
      });
    },
  };
}

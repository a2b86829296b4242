package dev.credence.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The node's meters, in a Prometheus registry: the JVM's, bound here, and every feature's, which
 * each feature registers in {@link #registry()} when it is built. docs/configuration.md ("Metrics")
 * lists them. Labels are bounded on purpose: route templates, statuses, kinds and outcomes, never a
 * uid, a token or an api key.
 */
public final class Metrics implements AutoCloseable {
  /** The Prometheus text exposition format that {@link #scrape()} writes. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  private Metrics(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
    this.registry = registry;
    this.gc = gc;
  }

  /** A registry with the JVM's memory, collections, threads, classes, processor and uptime. */
  public static Metrics create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return new Metrics(registry, gc);
  }

  /** Where the features register their meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter now, in the Prometheus text format ({@link #CONTENT_TYPE}). */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    // The collection listener holds JMX notification subscriptions until closed.
    gc.close();
    registry.close();
  }
}

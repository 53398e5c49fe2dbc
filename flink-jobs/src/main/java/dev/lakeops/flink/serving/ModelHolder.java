package dev.lakeops.flink.serving;

import dev.lakeops.common.training.Signature;
import dev.lakeops.flink.FlinkErrors;
import dev.lakeops.flink.registry.Champion;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model a scoring task uses now, swapped without a restart: a daemon thread asks the registry
 * for the production version every {@code interval} and, when it changed, loads the new one and
 * swaps it in with one volatile write. The task thread reads the current model once per record, so
 * a record is scored by exactly one version and says which. A failed load keeps the old model and
 * is logged (once per failing version); the next poll tries again.
 */
public final class ModelHolder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelHolder.class);

  /** A loaded version. */
  public record Loaded(Champion champion, Signature signature, ModelScorer scorer) {}

  private final String model;
  private final Supplier<Optional<Champion>> registry;
  private final ModelLoader loader;
  private volatile Loaded current;
  private volatile String lastFailure;
  private ScheduledExecutorService poller;

  public ModelHolder(String model, Supplier<Optional<Champion>> registry, ModelLoader loader) {
    this.model = model;
    this.registry = registry;
    this.loader = loader;
  }

  /** Loads the current production version (failing when there is none) and starts polling. */
  public void start(Duration interval) {
    Champion c = registry.get().orElseThrow(() -> FlinkErrors.noProductionVersion(model));
    current = load(c);
    LOG.info("model {}: serving version {} ({})", model, c.version(), c.artifact());
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "model-poll-" + model);
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(1, interval.toMillis());
    poller.scheduleWithFixedDelay(this::pollSafely, ms, ms, TimeUnit.MILLISECONDS);
  }

  public Loaded current() {
    return current;
  }

  private Loaded load(Champion c) {
    ModelScorer scorer = loader.load(c);
    return new Loaded(c, c.parsedSignature(), scorer);
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      LOG.warn("model {}: reading the registry failed; keeping version {}", model, version(), e);
    }
  }

  private int version() {
    Loaded l = current;
    return l == null ? -1 : l.champion().version();
  }

  /** One poll: swaps in the production version when it differs from the current one. */
  public void poll() {
    Optional<Champion> c = registry.get();
    if (c.isEmpty()) {
      String key = "none";
      if (!key.equals(lastFailure)) {
        LOG.warn(
            "model {}: no production version in the registry any more; keeping version {}",
            model,
            version());
        lastFailure = key;
      }
      return;
    }
    Loaded l = current;
    if (l != null
        && l.champion().version() == c.get().version()
        && l.champion().artifact().equals(c.get().artifact())) {
      return;
    }
    try {
      Loaded next = load(c.get());
      current = next;
      lastFailure = null;
      LOG.info(
          "model {}: swapped version {} for version {} ({})",
          model,
          l == null ? -1 : l.champion().version(),
          c.get().version(),
          c.get().artifact());
    } catch (RuntimeException | LinkageError e) {
      String key = c.get().version() + "@" + c.get().artifact();
      if (!key.equals(lastFailure)) {
        LOG.warn(
            "model {}: cannot load version {} from {}; keeping version {}",
            model,
            c.get().version(),
            c.get().artifact(),
            version(),
            e);
        lastFailure = key;
      }
    }
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
  }
}

package dev.lakeops.flink.serving;

import dev.lakeops.common.online.OnlineStore;
import java.io.Serializable;

/** Opens the online store in a task (each scoring subtask reads through its own connection). */
@FunctionalInterface
public interface StoreOpener extends Serializable {
  /** A new store, or null to serve from request-time fields only. */
  OnlineStore open();

  /** No lookups: every feature comes from the event (benchmarks without the store). */
  static StoreOpener none() {
    return () -> null;
  }
}

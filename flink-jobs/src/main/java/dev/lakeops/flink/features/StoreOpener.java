package dev.lakeops.flink.features;

import dev.lakeops.common.online.OnlineStore;
import java.io.Serializable;

/** Opens an online store inside a task: shipped with the job, called once per sink subtask. */
@FunctionalInterface
public interface StoreOpener extends Serializable {
  OnlineStore open();
}

package dev.lakeops.flink.serving;

import dev.lakeops.flink.registry.Champion;
import dev.lakeops.flink.registry.RegistryReader;
import java.io.Serializable;
import java.util.Optional;
import java.util.function.Supplier;

/** Where a task asks for the model's current production version. */
public interface ChampionSource extends Serializable {
  /** A supplier for one task (built in the task: readers are not serializable). */
  Supplier<Optional<Champion>> open(String model);

  /** The registry table at {@code path}, read with Delta Kernel. */
  static ChampionSource registry(String path) {
    return model -> {
      RegistryReader reader = new RegistryReader(path);
      return () -> reader.champion(model);
    };
  }

  /** Always the same version (benchmarks). */
  static ChampionSource fixed(Champion c) {
    return model -> () -> Optional.of(c);
  }
}

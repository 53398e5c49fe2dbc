package dev.lakeops.flink.monitoring;

import dev.lakeops.common.training.ReferenceProfile;
import dev.lakeops.flink.registry.Champion;
import dev.lakeops.flink.registry.RegistryReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference profile of each model version: {@code profile.json} in the version's artifact
 * directory (written by the training job), found through the registry. Read once per version and
 * task, then cached. A version without one (not in the registry, trained before profiles existed,
 * or unreadable) is logged once per task and reported as absent: its drift windows get the
 * statistics that need no reference (the missing rate) only.
 */
class ReferenceProfiles implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ReferenceProfiles.class);

  /** The profile's file name inside the artifact directory. */
  static final String FILE = "profile.json";

  private final String registryPath;
  private final String model;
  private transient Map<Integer, Optional<ReferenceProfile>> cache;

  ReferenceProfiles(String registryPath, String model) {
    this.registryPath = registryPath;
    this.model = model;
  }

  /** Whether the version's profile was looked up already (so a miss is not counted twice). */
  boolean known(int version) {
    return cache != null && cache.containsKey(version);
  }

  /** The version's profile, or empty (logged the first time). */
  Optional<ReferenceProfile> get(int version) {
    if (cache == null) {
      cache = new HashMap<>();
    }
    return cache.computeIfAbsent(version, this::load);
  }

  private Optional<ReferenceProfile> load(int version) {
    Optional<Champion> v;
    try {
      v = new RegistryReader(registryPath).version(model, version);
    } catch (RuntimeException e) {
      LOG.warn(
          "model {} version {}: the registry at {} cannot be read ({}): drift statistics"
              + " other than the missing rate are left out for it",
          model,
          version,
          registryPath,
          e.getMessage(),
          e);
      return Optional.empty();
    }
    if (v.isEmpty()) {
      LOG.warn(
          "model {} version {} is not in the registry at {}: no reference profile, drift"
              + " statistics other than the missing rate are left out for it",
          model,
          version,
          registryPath);
      return Optional.empty();
    }
    Path file = new Path(v.get().artifact(), FILE);
    try (InputStream in = file.getFileSystem().open(file)) {
      return Optional.of(
          ReferenceProfile.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "model {} version {} has no readable reference profile at {} ({}): drift"
              + " statistics other than the missing rate are left out for it",
          model,
          version,
          file,
          e.getMessage(),
          e);
      return Optional.empty();
    }
  }
}

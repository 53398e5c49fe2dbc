package dev.lakeops.common.config;

import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import java.util.ArrayList;
import java.util.List;

/** Collects configuration problems so a user sees all of them in one run, not one per run. */
public final class Problems {
  private final List<ConfigProblem> problems = new ArrayList<>();

  public void add(ConfigProblem problem) {
    problems.add(problem);
  }

  public boolean isEmpty() {
    return problems.isEmpty();
  }

  /** Throws a {@link ConfigException} listing everything found so far, if anything was. */
  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }
}

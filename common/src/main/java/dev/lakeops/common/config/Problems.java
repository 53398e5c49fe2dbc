package dev.lakeops.common.config;

import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.error.ConfigProblem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects configuration problems so a user sees all of them in one run, not one per run.
 *
 * <p>It also remembers what those problems made unusable (a file that did not parse, a section that
 * is not a list, an entry that failed its checks), so that a reference to something declared there
 * is not reported again as unknown: one mistake, one problem.
 */
public final class Problems {
  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Set<String> unusableFiles = new HashSet<>();
  private final Map<String, Set<String>> unusableNames = new HashMap<>();
  private int suppressed;

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

  /** The file (e.g. {@code sources.yaml}) could not be read as a whole; its problem is reported. */
  void fileUnusable(String file) {
    unusableFiles.add(file);
  }

  /** Entries of {@code file} with these names failed their checks; their problems are reported. */
  void namesUnusable(String file, Collection<String> names) {
    unusableNames.computeIfAbsent(file, f -> new HashSet<>()).addAll(names);
  }

  /**
   * Whether a reference to {@code name}, declared in {@code file}, fails because of a problem
   * already reported. The caller then reports nothing and calls {@link #suppressed()}.
   */
  boolean alreadyReported(String file, String name) {
    return unusableFiles.contains(file)
        || unusableNames.getOrDefault(file, Set.of()).contains(name);
  }

  /** A reference was left unreported because its target's problem is already reported. */
  void suppressed() {
    suppressed++;
  }

  /**
   * A count that grows with every problem reported or suppressed: when it grew while a section was
   * loaded, its entries that did not load failed for a reported reason.
   */
  int mark() {
    return problems.size() + suppressed;
  }
}

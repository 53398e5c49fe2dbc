package dev.lakeops.common.error;

import java.util.List;

/**
 * A configuration problem found before any engine work starts. The message names the file, the
 * field path, what was expected and how to fix it; {@link #problems()} keeps each one apart when
 * several were found in one pass.
 */
public final class ConfigException extends LakeOpsException {
  private final List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  public ConfigException(ConfigProblem problem) {
    this(List.of(problem));
  }

  public List<ConfigProblem> problems() {
    return problems;
  }

  private static String render(List<ConfigProblem> problems) {
    if (problems.size() == 1) {
      return "Invalid configuration: " + problems.get(0);
    }
    StringBuilder sb =
        new StringBuilder("Invalid configuration (" + problems.size() + " problems):");
    for (ConfigProblem p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }
}

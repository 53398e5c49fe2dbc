package dev.lakeops.common.config;

import dev.lakeops.common.error.ConfigProblem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML node that knows where it came from (file, field path, line), so that every problem found
 * while binding it to typed configuration can say exactly where it is. Reading methods never throw:
 * they record a problem and return an empty value, so one pass reports every problem.
 */
public final class ConfigNode {
  private final String file;
  private final String path;
  private final Node node;
  private final Problems problems;
  private final int parentLine;

  ConfigNode(String file, String path, Node node, Problems problems) {
    this(file, path, node, problems, 0);
  }

  private ConfigNode(String file, String path, Node node, Problems problems, int parentLine) {
    this.file = file;
    this.path = path;
    this.node = node;
    this.problems = problems;
    this.parentLine = parentLine;
  }

  public String file() {
    return file;
  }

  public String path() {
    return path;
  }

  /** The node's line, or for an absent field the line of the mapping it is missing from. */
  public int line() {
    return node == null ? parentLine : node.getStartMark().getLine() + 1;
  }

  public boolean isPresent() {
    return node != null
        && !(node instanceof ScalarNode s && s.getTag().getValue().endsWith(":null"));
  }

  /** Records a problem at this node. */
  public void problem(String problem, String fix) {
    problems.add(new ConfigProblem(file, path, line(), problem, fix));
  }

  /** Records a problem at a child field of this node, which may be absent. */
  public void problemAt(String key, String problem, String fix) {
    ConfigNode child = get(key);
    int line = child.isPresent() ? child.line() : line();
    problems.add(new ConfigProblem(file, child.path, line, problem, fix));
  }

  public ConfigNode get(String key) {
    String childPath = path.isEmpty() ? key : path + "." + key;
    if (node instanceof MappingNode map) {
      for (NodeTuple t : map.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
          return new ConfigNode(file, childPath, t.getValueNode(), problems);
        }
      }
    }
    return new ConfigNode(file, childPath, null, problems, line());
  }

  /** Reports keys of this mapping that are not in {@code allowed}, naming the accepted ones. */
  public void checkKeys(Collection<String> allowed) {
    if (!(node instanceof MappingNode map)) {
      return;
    }
    for (NodeTuple t : map.getValue()) {
      String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "<a complex key>";
      if (!allowed.contains(key)) {
        String childPath = path.isEmpty() ? key : path + "." + key;
        problems.add(
            new ConfigProblem(
                file,
                childPath,
                t.getKeyNode().getStartMark().getLine() + 1,
                "unknown field '" + key + "'; accepted fields here are " + allowed + ".",
                "rename or remove it."));
      }
    }
  }

  public boolean isMapping() {
    return node instanceof MappingNode;
  }

  public boolean isSequence() {
    return node instanceof SequenceNode;
  }

  public boolean isScalar() {
    return node instanceof ScalarNode && isPresent();
  }

  /** The keys of a mapping, in file order. */
  public List<String> keys() {
    List<String> keys = new ArrayList<>();
    if (node instanceof MappingNode map) {
      for (NodeTuple t : map.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k) {
          keys.add(k.getValue());
        }
      }
    }
    return keys;
  }

  /** The elements of a sequence; records a problem if this node is present and not a list. */
  public List<ConfigNode> list() {
    List<ConfigNode> out = new ArrayList<>();
    if (!isPresent()) {
      return out;
    }
    if (!(node instanceof SequenceNode seq)) {
      problem("expected a list (lines starting with '- '), got " + describe() + ".", null);
      return out;
    }
    for (int i = 0; i < seq.getValue().size(); i++) {
      out.add(new ConfigNode(file, path + "[" + i + "]", seq.getValue().get(i), problems));
    }
    return out;
  }

  /** A required non-empty text value; records a problem and returns empty if absent. */
  public Optional<String> requiredText(String what) {
    if (!isPresent()) {
      problem("missing required field: " + what + ".", "add '" + lastSegment() + ": ...'.");
      return Optional.empty();
    }
    return text();
  }

  /** An optional scalar value as text; records a problem if present but not a scalar. */
  public Optional<String> text() {
    if (!isPresent()) {
      return Optional.empty();
    }
    if (!(node instanceof ScalarNode scalar)) {
      problem("expected a single value, got " + describe() + ".", null);
      return Optional.empty();
    }
    String v = scalar.getValue().trim();
    if (v.isEmpty()) {
      problem("expected a value, got an empty string.", null);
      return Optional.empty();
    }
    return Optional.of(v);
  }

  /** The scalar value as text, or empty (absent, not a scalar, blank); records no problem. */
  Optional<String> quietText() {
    if (node instanceof ScalarNode scalar && !scalar.getValue().isBlank()) {
      return Optional.of(scalar.getValue().trim());
    }
    return Optional.empty();
  }

  public String textOr(String fallback) {
    return text().orElse(fallback);
  }

  /** An optional number; records a problem if present and not a number. */
  public Optional<Double> number() {
    Optional<String> t = text();
    if (t.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Double.parseDouble(t.get()));
    } catch (NumberFormatException e) {
      problem("expected a number, got '" + t.get() + "'.", "write a number such as 0 or 1.5.");
      return Optional.empty();
    }
  }

  /** An optional boolean; records a problem if present and not true/false. */
  public Optional<Boolean> bool() {
    Optional<String> t = text();
    if (t.isEmpty()) {
      return Optional.empty();
    }
    return switch (t.get().toLowerCase()) {
      case "true", "yes" -> Optional.of(true);
      case "false", "no" -> Optional.of(false);
      default -> {
        problem("expected true or false, got '" + t.get() + "'.", null);
        yield Optional.empty();
      }
    };
  }

  /** A list of text values; a single scalar is accepted as a one-element list. */
  public List<String> textList() {
    List<String> out = new ArrayList<>();
    if (!isPresent()) {
      return out;
    }
    if (node instanceof ScalarNode) {
      text().ifPresent(out::add);
      return out;
    }
    for (ConfigNode n : list()) {
      n.text().ifPresent(out::add);
    }
    return out;
  }

  /** A mapping of text to text (e.g. reader options), in file order. */
  public Map<String, String> textMap() {
    Map<String, String> out = new LinkedHashMap<>();
    if (!isPresent()) {
      return out;
    }
    if (!(node instanceof MappingNode)) {
      problem("expected a mapping of 'key: value' lines, got " + describe() + ".", null);
      return out;
    }
    for (String k : keys()) {
      get(k).text().ifPresent(v -> out.put(k, v));
    }
    return out;
  }

  /** Checks that a text value is one of {@code accepted}; records a problem otherwise. */
  public Optional<String> oneOf(Optional<String> value, Set<String> accepted) {
    if (value.isPresent() && !accepted.contains(value.get())) {
      problem(
          "expected one of " + accepted + ", got '" + value.get() + "'.",
          "use one of the accepted values.");
      return Optional.empty();
    }
    return value;
  }

  private String lastSegment() {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }

  private String describe() {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return "'" + ((ScalarNode) node).getValue() + "'";
  }
}

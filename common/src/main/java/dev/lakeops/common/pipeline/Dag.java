package dev.lakeops.common.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A directed graph of named nodes, each with the nodes it depends on: topological order, cycle
 * detection and the nodes downstream of a set. Orders are stable: among nodes that could come next,
 * the one declared first comes first.
 */
public final class Dag {
  private final Map<String, List<String>> dependsOn;
  private final Map<String, List<String>> dependents = new LinkedHashMap<>();

  /**
   * @param dependsOn each node (in declaration order) with the nodes it depends on; every node
   *     named as a dependency must be a key
   * @throws IllegalArgumentException when a dependency is not a node
   */
  public Dag(Map<String, List<String>> dependsOn) {
    this.dependsOn = new LinkedHashMap<>();
    dependsOn.forEach((k, v) -> this.dependsOn.put(k, List.copyOf(v)));
    this.dependsOn.keySet().forEach(k -> dependents.put(k, new ArrayList<>()));
    this.dependsOn.forEach(
        (node, deps) -> {
          for (String d : deps) {
            List<String> of = dependents.get(d);
            if (of == null) {
              throw new IllegalArgumentException(
                  "'" + node + "' depends on '" + d + "', which is not a node");
            }
            of.add(node);
          }
        });
  }

  /** The nodes, in declaration order. */
  public List<String> nodes() {
    return List.copyOf(dependsOn.keySet());
  }

  /** What {@code node} depends on. */
  public List<String> dependenciesOf(String node) {
    return dependsOn.getOrDefault(node, List.of());
  }

  /** The nodes that depend on {@code node} directly. */
  public List<String> dependentsOf(String node) {
    return List.copyOf(dependents.getOrDefault(node, List.of()));
  }

  /**
   * A cycle, if there is one: its nodes in dependency order with the first repeated at the end
   * ({@code [a, b, c, a]}: a depends on b, b on c, c on a); empty when the graph is acyclic.
   */
  public Optional<List<String>> cycle() {
    Map<String, Integer> state = new HashMap<>(); // 1 on the path, 2 done
    for (String start : dependsOn.keySet()) {
      if (state.containsKey(start)) {
        continue;
      }
      Deque<String> path = new ArrayDeque<>();
      Deque<Integer> next = new ArrayDeque<>();
      path.push(start);
      next.push(0);
      state.put(start, 1);
      while (!path.isEmpty()) {
        String node = path.peek();
        int i = next.pop();
        List<String> deps = dependsOn.get(node);
        if (i == deps.size()) {
          state.put(node, 2);
          path.pop();
          continue;
        }
        next.push(i + 1);
        String d = deps.get(i);
        Integer s = state.get(d);
        if (s == null) {
          state.put(d, 1);
          path.push(d);
          next.push(0);
        } else if (s == 1) {
          List<String> onPath = new ArrayList<>(path);
          java.util.Collections.reverse(onPath); // from the start to node
          List<String> cycle = new ArrayList<>(onPath.subList(onPath.indexOf(d), onPath.size()));
          cycle.add(d);
          return Optional.of(cycle);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The nodes so that each comes after everything it depends on (Kahn's algorithm, declaration
   * order among the ready ones).
   *
   * @throws IllegalStateException when the graph has a cycle (check {@link #cycle()} first)
   */
  public List<String> topologicalOrder() {
    Map<String, Integer> waiting = new HashMap<>();
    dependsOn.forEach((k, v) -> waiting.put(k, new LinkedHashSet<>(v).size()));
    List<String> out = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    while (out.size() < dependsOn.size()) {
      String ready = null;
      for (String n : dependsOn.keySet()) {
        if (!done.contains(n) && waiting.get(n) == 0) {
          ready = n;
          break;
        }
      }
      if (ready == null) {
        throw new IllegalStateException("the graph has a cycle: " + cycle().orElse(List.of()));
      }
      done.add(ready);
      out.add(ready);
      for (String d : new LinkedHashSet<>(dependents.get(ready))) {
        waiting.merge(d, -1, Integer::sum);
      }
    }
    return out;
  }

  /** {@code from} and every node that depends on one of them, directly or not. */
  public Set<String> downstreamOf(Collection<String> from) {
    Set<String> out = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>(from);
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (out.add(n)) {
        todo.addAll(dependents.getOrDefault(n, List.of()));
      }
    }
    return out;
  }

  /** The edges as (dependency, dependent) pairs, for comparisons with an exported job. */
  public Set<List<String>> edges() {
    Set<List<String>> out = new LinkedHashSet<>();
    dependsOn.forEach((n, deps) -> deps.forEach(d -> out.add(List.of(d, n))));
    return out;
  }
}

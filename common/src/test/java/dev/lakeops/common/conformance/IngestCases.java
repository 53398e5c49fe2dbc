package dev.lakeops.common.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ingest conformance cases ({@code common/src/test/resources/conformance/ingest}: the project's
 * YAML and {@code cases.jsonl}, one JSON object per case) laid out as a project both engines run:
 * the CSV cases of source {@code orders} go to one file per header under {@code orders/} (with a
 * comment line, which is no record), the JSON cases of every other source to {@code
 * <source>/part-0.jsonl}.
 */
public final class IngestCases {
  /** The header a CSV case has when it names none. */
  public static final String CANONICAL_HEADER = "customer_id,ts,qty,price,day,note,flag";

  private static final ObjectMapper JSON = new ObjectMapper();

  private IngestCases() {}

  /**
   * Writes the project and its input files under {@code project} (created).
   *
   * @param cases the directory of the cases' files
   * @return the cases, in file order
   * @throws IOException when a file cannot be read or written
   */
  public static List<JsonNode> writeProject(Path cases, Path project) throws IOException {
    Files.createDirectories(project);
    for (String f :
        new String[] {"project.yaml", "entities.yaml", "sources.yaml", "feature_views.yaml"}) {
      Files.copy(cases.resolve(f), project.resolve(f));
    }
    List<JsonNode> out = new ArrayList<>();
    Map<String, List<String>> files = new LinkedHashMap<>();
    for (String l : Files.readAllLines(cases.resolve("cases.jsonl"))) {
      if (l.isBlank()) {
        continue;
      }
      JsonNode c = JSON.readTree(l);
      out.add(c);
      String file;
      if (c.get("source").asText().equals("orders")) {
        String header = c.has("header") ? c.get("header").asText() : CANONICAL_HEADER;
        file = "orders/part-" + Integer.toHexString(header.hashCode()) + ".csv";
        files.computeIfAbsent(
            file, k -> new ArrayList<>(List.of(header, "# a comment line, not a record")));
      } else { // a JSON-lines source: its path is its name
        file = c.get("source").asText() + "/part-0.jsonl";
        files.computeIfAbsent(file, k -> new ArrayList<>());
      }
      files.get(file).add(c.get("line").asText());
    }
    for (Map.Entry<String, List<String>> f : files.entrySet()) {
      Files.createDirectories(project.resolve(f.getKey()).getParent());
      Files.write(project.resolve(f.getKey()), f.getValue());
    }
    return out;
  }
}

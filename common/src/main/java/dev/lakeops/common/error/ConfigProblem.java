package dev.lakeops.common.error;

/**
 * One configuration problem: where it is (file, field path and line), what is wrong and what to do
 * about it.
 *
 * @param file the file, as given to the loader
 * @param field the field path inside the file, e.g. {@code feature_views[0].features[2].window}
 * @param line the 1-based line in the file, or 0 when unknown
 * @param problem what is wrong, including what was expected and what was found
 * @param fix how to fix it
 */
public record ConfigProblem(String file, String field, int line, String problem, String fix) {
  @Override
  public String toString() {
    String where = file + (line > 0 ? ":" + line : "") + " at '" + field + "'";
    return where + ": " + problem + (fix == null || fix.isEmpty() ? "" : " Fix: " + fix);
  }
}

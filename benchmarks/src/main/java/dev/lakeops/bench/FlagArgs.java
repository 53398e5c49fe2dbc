package dev.lakeops.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line of the Flink-side benchmarks ({@code monitor}, {@code online-store-job}): {@code
 * --name value} pairs, the flag {@code --keep}, and {@code --help}.
 *
 * @param options each {@code --name} with its value, in the order given
 * @param keep whether {@code --keep} was given
 * @param help whether {@code --help} was given (the caller prints its usage and stops)
 */
public record FlagArgs(Map<String, String> options, boolean keep, boolean help) {
  /**
   * @throws IllegalArgumentException when an option other than {@code --keep} or {@code --help} has
   *     no value after it
   */
  public static FlagArgs parse(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    boolean keep = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--keep")) {
        keep = true;
      } else if (args[i].equals("--help")) {
        return new FlagArgs(opts, keep, true);
      } else if (i + 1 < args.length) {
        opts.put(args[i], args[++i]);
      } else {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
    }
    return new FlagArgs(opts, keep, false);
  }
}

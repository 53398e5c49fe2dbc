package dev.lakeops.flink.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The entry point of the Flink side of {@code mlops}: {@code online-store} and {@code serve}.
 * {@code submit/mlops} sends these two commands here (the Spark commands go to the Spark jobs'
 * entry point), and {@code flink run} uses it as the job jar's main class on a cluster.
 */
public final class FlinkCli {

  private FlinkCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      (args.length == 0 ? err : out).print(usage());
      return args.length == 0 ? 2 : 0;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    return switch (args[0]) {
      case "online-store" -> new OnlineStoreCommand(out, err).execute(rest);
      case "serve" -> new ServeCommand(out, err).execute(rest);
      default -> {
        err.println(
            "mlops: '"
                + args[0]
                + "' is not a Flink command; the Flink commands are online-store and serve.");
        err.print(usage());
        yield 2;
      }
    };
  }

  static String usage() {
    return """
        Usage: mlops <online-store|serve> [options]

        Flink commands (a local MiniCluster by default; flink run on a cluster):
          online-store   keep the online store fresh from an event stream (files or Kafka);
                         'online-store get <entity-key>' reads an entity's features
          serve          streaming inference with the registry's production model, hot-swapped

        Run 'mlops <command> --help' for a command's options.
        """;
  }
}

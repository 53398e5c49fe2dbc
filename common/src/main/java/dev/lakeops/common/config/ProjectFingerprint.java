package dev.lakeops.common.config;

import dev.lakeops.common.error.Errors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Identifies the configuration and code a run used: a hash of the YAML files and the commit. */
public final class ProjectFingerprint {
  private ProjectFingerprint() {}

  /** SHA-256 over the project's YAML files (names and contents, in name order). */
  public static String configHash(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> yaml =
          files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Path p : yaml) {
        digest.update(p.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        digest.update(Files.readAllBytes(p));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException | NoSuchAlgorithmException e) {
      throw Errors.cannotHashProject(dir, e);
    }
  }

  /**
   * The git commit the project directory is checked out at, with "-dirty" when it has uncommitted
   * changes, or null when it is not in a git checkout (or git is missing).
   */
  public static String codeVersion(Path dir) {
    String head = git(dir, "rev-parse", "HEAD");
    if (head == null) {
      return null;
    }
    String status = git(dir, "status", "--porcelain", "--", ".");
    return status == null || status.isEmpty() ? head : head + "-dirty";
  }

  private static String git(Path dir, String... args) {
    try {
      String[] cmd = new String[args.length + 3];
      cmd[0] = "git";
      cmd[1] = "-C";
      cmd[2] = dir.toAbsolutePath().toString();
      System.arraycopy(args, 0, cmd, 3, args.length);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return out;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}

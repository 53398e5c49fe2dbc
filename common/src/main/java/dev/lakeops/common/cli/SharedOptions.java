package dev.lakeops.common.cli;

import dev.lakeops.common.error.ConfigException;
import dev.lakeops.common.features.Durations;
import dev.lakeops.common.online.OnlineStoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The options that several commands share, declared once as picocli mixins and resolved once, while
 * the command line is parsed (before any engine starts), so that the same option means the same
 * thing in every command:
 *
 * <ul>
 *   <li>{@code --project <dir>}: the project directory, made absolute against the working
 *       directory.
 *   <li>{@code --warehouse <path>}: a local path (made absolute against the working directory) or
 *       any Hadoop URI ({@code hdfs://}, {@code s3a://}, {@code file:/...}, kept as written);
 *       {@code ./warehouse} by default.
 *   <li>{@code --online-store <uri>}: {@link OnlineStoreConfig#parse}; a relative embedded file is
 *       relative to the working directory (not to the warehouse or the project).
 *   <li>{@code --as-of <time>}: {@link #asOf(String)}, a date or an instant, UTC.
 *   <li>{@code --flink-conf <dir|file>}: a Flink configuration directory or {@code config.yaml},
 *       made absolute; it must exist. The Flink commands read it with Flink's own loader.
 *   <li>The Flink jobs' options ({@code serve}, {@code monitor}, {@code online-store}): {@code
 *       --kafka-bootstrap} (checked as {@code host:port[,...]}), {@code --topic}, {@code --once},
 *       {@code --checkpoint-interval}, {@code --parallelism}, {@code --from-savepoint}/{@code
 *       --resume}: one declaration and one description each; each command keeps its own default.
 * </ul>
 */
public final class SharedOptions {
  private SharedOptions() {}

  /** The value written when {@code --warehouse} is left out: {@code ./warehouse}. */
  public static final String DEFAULT_WAREHOUSE = "warehouse";

  /** The accepted forms of {@code --as-of}, as shown in help and error messages. */
  public static final String AS_OF_FORMS =
      "an instant (1998-07-01T00:00:00Z, or with an offset: 1998-07-01T02:00:00+02:00) or a date"
          + " (1998-07-01, meaning its start, 00:00 UTC)";

  /** {@code --project <dir>}, required. */
  public static final class Project {
    @Option(
        names = "--project",
        required = true,
        paramLabel = "<dir>",
        converter = AbsolutePath.class,
        description = "the project directory (project.yaml, sources.yaml, ...)")
    Path dir;

    /** The absolute project directory; null only while not parsed. */
    public Path dir() {
      return dir;
    }
  }

  /** {@code --warehouse <path>}, {@code ./warehouse} by default. */
  public static final class Warehouse {
    @Option(
        names = "--warehouse",
        paramLabel = "<path>",
        defaultValue = DEFAULT_WAREHOUSE,
        converter = Location.class,
        description =
            "the warehouse root: a local path or any Hadoop URI (hdfs://, s3a://, abfss://);"
                + " default: ./warehouse")
    String root;

    /** The warehouse root: an absolute local path or a URI as written. */
    public String root() {
      return root;
    }
  }

  /**
   * {@code --spark-ui}: the long Spark commands keep Spark's web UI on (off by default) and print
   * its address.
   */
  public static final class SparkUi {
    @Option(
        names = "--spark-ui",
        description =
            "keep Spark's web UI on while the job runs (port 4040 or the next free one) and print"
                + " its address; on a terminal, it stays up after the job until Enter")
    boolean on;

    /** Whether {@code --spark-ui} was given. */
    public boolean on() {
      return on;
    }
  }

  /** {@code --online-store <uri>}; when left out, project.yaml's {@code online_store}. */
  public static final class OnlineStore {
    @Option(
        names = OnlineStoreConfig.OPTION,
        paramLabel = "<uri>",
        converter = OnlineStoreUri.class,
        description =
            "redis://host:port[/key prefix], embedded, or embedded:<file> (a relative file is"
                + " relative to the working directory); default: online_store in project.yaml,"
                + " else the file <warehouse>/<database>/_online/features.db")
    OnlineStoreConfig store;

    /** The store given on the command line, or null when left out. */
    public OnlineStoreConfig store() {
      return store;
    }
  }

  /** {@code --as-of <time>}: a date or an instant. */
  public static final class AsOf {
    @Option(
        names = "--as-of",
        paramLabel = "<time>",
        converter = AsOfTime.class,
        description = "the time to read at: " + AS_OF_FORMS + "; default: now")
    Instant asOf;

    /** The time given, or null when left out. */
    public Instant asOf() {
      return asOf;
    }
  }

  /** {@code --flink-conf <dir|file>}: Flink settings for the job. */
  public static final class FlinkConf {
    @Option(
        names = "--flink-conf",
        paramLabel = "<dir|file>",
        converter = ExistingPath.class,
        description =
            "Flink settings: a Flink configuration directory or its config.yaml (Flink 2's"
                + " nested or flat YAML), read with Flink's own loader; its keys override the"
                + " job's defaults")
    Path path;

    /** The absolute directory or file, or null when left out. */
    public Path path() {
      return path;
    }
  }

  /** {@code --kafka-bootstrap <host:port,...>}: the Kafka brokers of a Flink command's topics. */
  public static final class KafkaBootstrap {
    @Option(
        names = "--kafka-bootstrap",
        paramLabel = "<host:port>",
        converter = HostPorts.class,
        description =
            "the Kafka brokers (host:port, or several separated by commas) of the command's"
                + " topics; needed with any topic option")
    String servers;

    /** The brokers as given (checked to be {@code host:port[,host:port...]}), or null. */
    public String servers() {
      return servers;
    }
  }

  /** {@code --topic <topic>}: the Kafka topic a Flink job reads its events from. */
  public static final class InputTopic {
    @Option(
        names = "--topic",
        paramLabel = "<topic>",
        description = "read the events from this Kafka topic (needs --kafka-bootstrap)")
    String topic;

    /** The topic, or null when left out. */
    public String topic() {
      return topic;
    }
  }

  /** {@code --once}: a Flink job reads what is there now and stops, printing a summary. */
  public static final class Once {
    @Option(
        names = "--once",
        description =
            "process what is there now (the files present, the prediction log's latest version,"
                + " topics up to their latest offsets), print a summary of the counts and stop;"
                + " otherwise the job runs until cancelled")
    boolean once;

    /** Whether {@code --once} was given. */
    public boolean once() {
      return once;
    }
  }

  /** {@code --checkpoint-interval <duration>}: how often a Flink job checkpoints. */
  public static final class CheckpointInterval {
    @Option(
        names = "--checkpoint-interval",
        paramLabel = "<duration>",
        converter = PositiveDuration.class,
        description =
            "how often the job checkpoints its state and commits its outputs (10s, 5m, ...);"
                + " default: 5s (serve, monitor), 10s (online-store; 1s with --once)")
    Duration interval;

    /** The interval given, or null when left out. */
    public Duration interval() {
      return interval;
    }
  }

  /** {@code --parallelism <n>}: a Flink job's parallelism. */
  public static final class Parallelism {
    @Option(
        names = "--parallelism",
        paramLabel = "<n>",
        converter = PositiveInt.class,
        description =
            "the job's parallelism (subtasks per operator, at least 1); default: the"
                + " environment's (serve, monitor), 1 (online-store)")
    Integer parallelism;

    /** The parallelism given, or null when left out. */
    public Integer parallelism() {
      return parallelism;
    }
  }

  /** {@code --from-savepoint <path>} or {@code --resume}: where a Flink job starts from. */
  public static final class Recovery {
    @Option(
        names = "--from-savepoint",
        paramLabel = "<path>",
        converter = Location.class,
        description =
            "start from this savepoint or retained checkpoint (a directory holding _metadata;"
                + " Flink's execution.state-recovery.path)")
    String fromSavepoint;

    @Option(
        names = "--resume",
        description =
            "start from the latest checkpoint a job of this command and model retained under"
                + " <warehouse>/<database>/_checkpoints/ (a fresh start when there is none)")
    boolean resume;

    /** The savepoint given (absolute, or a URI as written), or null. */
    public String fromSavepoint() {
      return fromSavepoint;
    }

    /** Whether {@code --resume} was given. */
    public boolean resume() {
      return resume;
    }
  }

  /**
   * A path given on the command line, resolved as users expect: URIs ({@code scheme://...}, {@code
   * file:...}) are kept as written, local paths become absolute against the working directory.
   */
  public static String location(String path) {
    if (path.contains("://") || path.startsWith("file:")) {
      return path;
    }
    return Path.of(path).toAbsolutePath().normalize().toString();
  }

  /**
   * Parses {@code --as-of} with the event-time parser ({@link
   * dev.lakeops.common.events.EventTimes#parseText}), so it takes the forms event times take: an
   * ISO-8601 instant ({@code 2021-01-02T00:00:00Z}), a date-time with an offset ({@code
   * 2021-01-02T01:00:00+01:00}, {@code +0100} or {@code +01}), a date-time without a zone (UTC) or
   * a date ({@code 2021-01-02}, its start: 00:00 UTC). So {@code 2021-01-02} and {@code
   * 2021-01-02T00:00:00Z} are the same time, in every command.
   *
   * @throws TypeConversionException naming the accepted forms
   */
  public static Instant asOf(String text) {
    // One parser of time text for every reader: the event-time forms of EventTimes.
    Long micros = dev.lakeops.common.events.EventTimes.parseText(text);
    if (micros == null) {
      throw new TypeConversionException(
          "--as-of '" + text + "' is not a time; write " + AS_OF_FORMS + ".");
    }
    return Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS);
  }

  /** Converts to an absolute, normalized local path (against the working directory). */
  public static final class AbsolutePath implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      return Path.of(value).toAbsolutePath().normalize();
    }
  }

  /** A local path made absolute, or a URI kept as written ({@link #location}). */
  public static final class Location implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return location(value);
    }
  }

  /** An absolute local path that must exist. */
  public static final class ExistingPath implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      Path p = Path.of(value).toAbsolutePath().normalize();
      if (!Files.exists(p)) {
        throw new TypeConversionException(p + " does not exist.");
      }
      return p;
    }
  }

  /** {@code --online-store}: {@link OnlineStoreConfig#parse}, a relative file made absolute. */
  public static final class OnlineStoreUri implements ITypeConverter<OnlineStoreConfig> {
    @Override
    public OnlineStoreConfig convert(String value) throws ConfigException {
      OnlineStoreConfig c = OnlineStoreConfig.parse(value);
      if (c instanceof OnlineStoreConfig.Embedded e && e.path() != null) {
        return new OnlineStoreConfig.Embedded(location(e.path()));
      }
      return c;
    }
  }

  /** {@code --as-of}: {@link #asOf(String)}. */
  public static final class AsOfTime implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      return asOf(value);
    }
  }

  /** A duration written as feature windows are (10s, 5m, 1h, 7d), greater than zero. */
  public static final class PositiveDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return Durations.parse(value)
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "takes " + Durations.ACCEPTED_FORMS + "; got '" + value + "'."));
    }
  }

  /** A duration as {@link PositiveDuration}, or zero ({@code 0}, {@code 0s}, ...). */
  public static final class NonNegativeDuration implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      if (value.strip().matches("0+[smhd]?")) {
        return Duration.ZERO;
      }
      return new PositiveDuration().convert(value);
    }
  }

  /** Kafka brokers: {@code host:port}, or several separated by commas. */
  public static final class HostPorts implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String v = value.strip();
      if (!v.matches("[^\\s:,]+:\\d{1,5}(,[^\\s:,]+:\\d{1,5})*")) {
        throw new TypeConversionException(
            "takes host:port, or several separated by commas (k1:9092,k2:9092); got '"
                + value
                + "'.");
      }
      return v;
    }
  }

  /** A whole number of at least 1. */
  public static final class PositiveInt implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int n = Integer.parseInt(value.strip());
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new TypeConversionException("takes a whole number of at least 1; got '" + value + "'.");
    }
  }

  /** A {@code key=value} pair with a non-empty key (a Spark property), kept as typed. */
  public static final class KeyValue implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      int eq = value.indexOf('=');
      if (eq <= 0) {
        throw new TypeConversionException(
            "takes key=value (a Spark property, e.g. spark.executor.memory=4g); got '"
                + value
                + "'.");
      }
      return value;
    }
  }

  /** How Delta Lake reaches a Spark cluster: {@code packages}, {@code jars} or {@code provided}. */
  public static final class DeltaMode implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String v = value.strip();
      if (v.equals("packages") || v.equals("jars") || v.equals("provided")) {
        return v;
      }
      throw new TypeConversionException("takes packages, jars or provided; got '" + value + "'.");
    }
  }

  /**
   * A registered version: a whole number of at least 1, or {@code latest}, converted to {@link
   * #LATEST} (0) for the newest registered version, which the command resolves.
   */
  public static final class VersionOrLatest implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      if (value.strip().equals("latest")) {
        return LATEST;
      }
      try {
        return new PositiveInt().convert(value);
      } catch (TypeConversionException e) {
        throw new TypeConversionException(
            "takes a version number of at least 1 or 'latest'; got '" + value + "'.");
      }
    }
  }

  /** {@link VersionOrLatest}'s value for {@code latest}. */
  public static final int LATEST = 0;
}

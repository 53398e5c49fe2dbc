package dev.lakeops.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakeops.common.scoring.Scored;
import dev.lakeops.common.training.Signature;
import dev.lakeops.common.training.Task;
import dev.lakeops.common.types.ColumnType;
import dev.lakeops.flink.cli.ServeCommand;
import dev.lakeops.flink.delta.KernelTables;
import dev.lakeops.flink.registry.Champion;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving job's parts without a cluster: parsing, type checks, hot swap, idempotent commits.
 */
class ServingUnitTest {
  @TempDir Path tmp;

  final EventParser parser = new EventParser("market_id");

  @Test
  void parsesEventsAndNamesWhatIsWrong() throws Exception {
    ServeEvent e =
        parser.parse(
            "{\"event_id\":\"e1\",\"market_id\":\"NSW\",\"event_time\":\"1998-04-01T10:00:00Z\","
                + "\"nswprice\":0.5,\"n\":3,\"flag\":true,\"nested\":{\"a\":1}}");
    assertThat(e.eventId()).isEqualTo("e1");
    assertThat(e.entityKey()).isEqualTo("NSW");
    assertThat(e.eventTimeMillis()).isEqualTo(891424800000L);
    assertThat(e.fields())
        .containsEntry("nswprice", 0.5)
        .containsEntry("n", 3L)
        .containsEntry("flag", true)
        .containsEntry("nested", ServeEvent.NOT_SCALAR);
    assertThat(parser.parse("{\"event_id\":7,\"market_id\":12,\"event_time\":1000}").entityKey())
        .isEqualTo("12");

    assertThatThrownBy(() -> parser.parse("{oops")).hasMessageStartingWith("malformed JSON");
    assertThatThrownBy(() -> parser.parse("\"text\""))
        .hasMessage("malformed JSON: expected one object per line, got string");
    assertThatThrownBy(() -> parser.parse("{\"market_id\":\"NSW\",\"event_time\":1}"))
        .hasMessage("missing the event id 'event_id'");
    assertThatThrownBy(
            () -> parser.parse("{\"event_id\":\"e\",\"market_id\":\"\",\"event_time\":1}"))
        .hasMessage("missing the entity key 'market_id' (empty text)");
    assertThatThrownBy(() -> parser.parse("{\"event_id\":\"e\",\"market_id\":\"NSW\"}"))
        .hasMessage("missing the event time 'event_time'")
        .extracting(t -> ((EventParser.BadEvent) t).eventId())
        .isEqualTo("e");
    assertThatThrownBy(() -> parser.parse("{oops"))
        .extracting(t -> ((EventParser.BadEvent) t).eventId())
        .isNull();
    assertThatThrownBy(
            () -> parser.parse("{\"event_id\":\"e\",\"market_id\":1.5,\"event_time\":1}"))
        .hasMessage("wrong type: 'market_id' (the entity key) must be text, got number 1.5");
    assertThatThrownBy(
            () ->
                parser.parse(
                    "{\"event_id\":\"e\",\"market_id\":\"N\",\"event_time\":\"yesterday\"}"))
        .hasMessageContaining("must be ISO-8601");
  }

  @Test
  void requestFieldsMustFitTheSignature() throws Exception {
    Signature.Field d = new Signature.Field("x", ColumnType.DOUBLE);
    Signature.Field l = new Signature.Field("c", ColumnType.LONG);
    Signature.Field s = new Signature.Field("s", ColumnType.STRING, true);
    assertThat(ScoreFunction.checked(d, 3L)).isEqualTo(3.0);
    assertThat(ScoreFunction.checked(l, 3L)).isEqualTo(3L);
    assertThat(ScoreFunction.checked(s, null)).isNull();
    assertThatThrownBy(() -> ScoreFunction.checked(l, 2.5))
        .hasMessage("wrong type: 'c' must be long (the model's signature), got number 2.5");
    assertThatThrownBy(() -> ScoreFunction.checked(d, true))
        .hasMessage("wrong type: 'x' must be double (the model's signature), got boolean true");
    assertThatThrownBy(() -> ScoreFunction.checked(s, ServeEvent.NOT_SCALAR))
        .hasMessageContaining("got an object or array");
  }

  static Champion version(int v, String artifact) {
    Signature sig =
        new Signature(
            Task.CLASSIFICATION,
            List.of(new Signature.Field("x", ColumnType.DOUBLE)),
            new Signature.Field("label", ColumnType.DOUBLE),
            List.of(new Signature.Field("prediction", ColumnType.DOUBLE)),
            2);
    return new Champion("m", v, artifact, sig.toJson(), v);
  }

  @Test
  void theHolderSwapsOnANewVersionAndKeepsTheOldOneWhenALoadFails() {
    AtomicReference<Optional<Champion>> registry =
        new AtomicReference<>(Optional.of(version(1, "/a1")));
    ModelLoader loader =
        c -> {
          if (c.artifact().equals("/broken")) {
            throw new IllegalStateException("corrupt model files");
          }
          return row -> new Scored(c.version(), null, null);
        };
    try (ModelHolder holder = new ModelHolder("m", registry::get, loader)) {
      holder.start(java.time.Duration.ofHours(1)); // polled by hand below
      assertThat(holder.current().champion().version()).isEqualTo(1);
      registry.set(Optional.of(version(2, "/broken")));
      holder.poll();
      assertThat(holder.current().champion().version()).isEqualTo(1);
      registry.set(Optional.empty());
      holder.poll();
      assertThat(holder.current().champion().version()).isEqualTo(1);
      registry.set(Optional.of(version(3, "/a3")));
      holder.poll();
      assertThat(holder.current().champion().version()).isEqualTo(3);
      assertThat(holder.current().scorer().score(Map.of()).prediction()).isEqualTo(3.0);
    }
    assertThatThrownBy(
            () ->
                new ModelHolder("m", Optional::<Champion>empty, loader)
                    .start(java.time.Duration.ofSeconds(1)))
        .hasMessageContaining("has no production version");
  }

  @Test
  void aReplayedCommitIsSkipped() {
    String path = tmp.resolve("log").toString();
    PredictionLog.DeadRows format = new PredictionLog.DeadRows();
    KernelTables t = new KernelTables();
    t.createIfMissing(path, format.schema());
    List<Object[]> rows = new ArrayList<>();
    rows.add(format.toRow(new DeadLetter("x", "e1", "why", "m", 1, 1000)));
    var files = t.writeFiles(path, format.schema(), rows);
    assertThat(t.commitOnce(path, "app/0", 1, files)).isTrue();
    assertThat(t.commitOnce(path, "app/0", 1, files)).isFalse(); // a replay after a restore
    assertThat(t.commitOnce(path, "app/1", 1, t.writeFiles(path, format.schema(), rows))).isTrue();
    List<Map<String, Object>> read = t.readAll(path);
    assertThat(read).hasSize(2);
    assertThat(read.get(0)).containsEntry("reason", "why").containsEntry("at", 1_000_000L);
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ServeCommand cmd =
        new ServeCommand(
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(cmd.execute(new String[] {"--model", "m", "--input", "x"})).isEqualTo(2);
    assertThat(cmd.execute(new String[] {"--project", "p", "--model", "m"})).isEqualTo(2);
    assertThat(
            cmd.execute(
                new String[] {"--project", "p", "--model", "m", "--input", "x", "--topic", "t"}))
        .isEqualTo(2);
    assertThat(
            cmd.execute(
                new String[] {
                  "--project", "p", "--model", "m", "--input", "x", "--model-poll-interval", "soon"
                }))
        .isEqualTo(2);
    assertThat(cmd.execute(new String[] {"--bogus"})).isEqualTo(2);
    String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(5);
    assertThat(lines[0]).startsWith("error: missing --project <dir>.");
    assertThat(lines[1]).startsWith("error: missing the events: --input <dir> or --topic <topic>.");
    assertThat(lines[2])
        .startsWith("error: give either --input <dir> or --topic <topic>, not both.");
    assertThat(lines[3]).startsWith("error: --model-poll-interval takes a whole number");
  }

  @Test
  void configErrorsNameTheFileTheFieldAndTheFix() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ServeCommand cmd =
        new ServeCommand(
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String project = ServingFixture.repo().resolve("conf/examples/elec2").toString();
    int code =
        cmd.execute(
            new String[] {
              "--project",
              project,
              "--model",
              "nope",
              "--input",
              tmp.toString(),
              "--warehouse",
              tmp.resolve("wh").toString()
            });
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("models.yaml")
        .contains("there is no model 'nope'")
        .contains("Fix: pass --model with one of them");
    err.reset();
    code =
        cmd.execute(
            new String[] {
              "--project",
              project,
              "--model",
              "price_direction",
              "--input",
              tmp.toString(),
              "--warehouse",
              tmp.resolve("wh").toString()
            });
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("has no production version")
        .contains("Fix: train it");
  }

  @Test
  void theLatestRetainedCheckpointIsFoundAndABadSavepointIsRefused() throws Exception {
    Path dir = tmp.resolve("checkpoints");
    assertThat(ServeJob.latestCheckpoint(dir.toString())).isEmpty(); // none yet
    Path old = java.nio.file.Files.createDirectories(dir.resolve("job-1/chk-9"));
    java.nio.file.Files.writeString(old.resolve("_metadata"), "x");
    Path newer = java.nio.file.Files.createDirectories(dir.resolve("job-2/chk-3"));
    java.nio.file.Files.writeString(newer.resolve("_metadata"), "x");
    java.nio.file.Files.createDirectories(dir.resolve("job-2/chk-4")); // in progress: no metadata
    java.nio.file.Files.createDirectories(dir.resolve("job-2/shared"));
    java.nio.file.Files.setLastModifiedTime(
        old.resolve("_metadata"), java.nio.file.attribute.FileTime.fromMillis(1_000_000));
    java.nio.file.Files.setLastModifiedTime(
        newer.resolve("_metadata"), java.nio.file.attribute.FileTime.fromMillis(2_000_000));
    // the most recent one, not the highest number (a new job counts from 1 again)
    assertThat(ServeJob.latestCheckpoint(dir.toString()))
        .hasValueSatisfying(p -> assertThat(p).endsWith("job-2/chk-3"));

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ServeCommand cmd =
        new ServeCommand(
            new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    String project = ServingFixture.repo().resolve("conf/examples/elec2").toString();
    String[] base = {
      "--project",
      project,
      "--model",
      "price_direction",
      "--input",
      tmp.toString(),
      "--warehouse",
      tmp.resolve("wh").toString()
    };
    java.util.List<String> args = new ArrayList<>(List.of(base));
    args.addAll(List.of("--from-savepoint", tmp.resolve("nothing-here").toString()));
    assertThat(cmd.execute(args.toArray(String[]::new))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("is not a savepoint or retained checkpoint (a directory with a _metadata file)");
    err.reset();
    args = new ArrayList<>(List.of(base));
    args.addAll(List.of("--from-savepoint", newer.toString(), "--resume"));
    assertThat(cmd.execute(args.toArray(String[]::new))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("give either --from-savepoint <path> or --resume");
  }
}

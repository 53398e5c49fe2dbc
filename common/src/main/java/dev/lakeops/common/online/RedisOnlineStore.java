package dev.lakeops.common.online;

import dev.lakeops.common.error.LakeOpsException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The online store on a Redis server (Jedis 8). One hash per (prefix, view, key) — key {@code
 * <prefix><view>:<entity key>} — with one field per feature (the value as tagged text, see {@link
 * FeatureValues#toText}) and the event time in field {@value #EVENT_TIME} (feature names cannot
 * start with '@').
 *
 * <p>Writes: a Lua script (loaded once, run with EVALSHA) compares the event times and replaces the
 * whole hash only when the new one is at or after the stored one, atomically; a batch is one
 * pipeline. TTLs are checked on read against the event time — not with Redis EXPIRE, since event
 * times of offline rows can be years old.
 *
 * <p>Thread-safety: safe to share; Jedis' {@link RedisClient} pools connections.
 */
public final class RedisOnlineStore implements OnlineStore {
  /** The hash field holding the row's event time (epoch milliseconds). */
  public static final String EVENT_TIME = "@event_time";

  /** Rows per pipeline round trip. */
  static final int PIPELINE_BATCH = 1000;

  private static final String CAS_SCRIPT =
      """
      local cur = redis.call('HGET', KEYS[1], ARGV[1])
      if cur and tonumber(cur) > tonumber(ARGV[2]) then return 0 end
      redis.call('DEL', KEYS[1])
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
      local i = 3
      while i <= #ARGV do
        local j = math.min(i + 199, #ARGV)
        redis.call('HSET', KEYS[1], unpack(ARGV, i, j))
        i = j + 1
      end
      return 1
      """;

  private final String host;
  private final int port;
  private final String prefix;
  private final Map<String, Duration> ttls;
  private final Map<String, List<String>> features;
  private final RedisClient client;
  private volatile String sha;

  /**
   * Connects and loads the compare-and-set script.
   *
   * @param ttls per view, how long a row stays valid; views not listed never expire
   * @param features per view, the order reads return features in (others follow, by name)
   */
  public RedisOnlineStore(
      String host,
      int port,
      String keyPrefix,
      Map<String, Duration> ttls,
      Map<String, List<String>> features) {
    this.host = host;
    this.port = port;
    this.prefix = keyPrefix == null ? "" : keyPrefix;
    this.ttls = Map.copyOf(ttls);
    this.features = Map.copyOf(features);
    this.client = RedisClient.create(host, port);
    try {
      client.ping();
      this.sha = client.scriptLoad(CAS_SCRIPT);
    } catch (JedisException e) {
      client.close();
      throw new LakeOpsException(
          "cannot reach the Redis online store at "
              + host
              + ":"
              + port
              + ": "
              + e.getMessage()
              + ". Fix: start it (redis-server --daemonize yes) or point online_store /"
              + " --online-store at a running server.",
          e);
    }
  }

  /** The Redis key of a (view, entity key). */
  public String key(String view, String entityKey) {
    return prefix + view + ":" + entityKey;
  }

  @Override
  public void write(String view, Collection<FeatureRow> rows) {
    List<FeatureRow> all = rows instanceof List<FeatureRow> l ? l : new ArrayList<>(rows);
    for (int from = 0; from < all.size(); from += PIPELINE_BATCH) {
      List<FeatureRow> batch = all.subList(from, Math.min(all.size(), from + PIPELINE_BATCH));
      try {
        writeBatch(view, batch);
      } catch (JedisDataException e) {
        if (!String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
          throw failure("write view '" + view + "' to", e);
        }
        // The server lost its scripts (restart, SCRIPT FLUSH): reload and redo; writes are
        // idempotent, so rows of the batch that did apply are not harmed.
        sha = client.scriptLoad(CAS_SCRIPT);
        writeBatch(view, batch);
      } catch (JedisException e) {
        throw failure("write view '" + view + "' to", e);
      }
    }
  }

  private void writeBatch(String view, List<FeatureRow> batch) {
    // Encode everything first: a bad value must fail the batch before anything is sent.
    List<List<String>> argLists = new ArrayList<>(batch.size());
    for (FeatureRow row : batch) {
      List<String> args = new ArrayList<>(2 + 2 * row.values().size());
      args.add(EVENT_TIME);
      args.add(Long.toString(row.eventTimeMillis()));
      for (Map.Entry<String, Object> e : row.values().entrySet()) {
        args.add(e.getKey());
        args.add(FeatureValues.toText(e.getKey(), e.getValue()));
      }
      argLists.add(args);
    }
    List<Response<Object>> responses = new ArrayList<>(batch.size());
    try (Pipeline p = (Pipeline) client.pipelined()) {
      for (int i = 0; i < batch.size(); i++) {
        responses.add(
            p.evalsha(sha, List.of(key(view, batch.get(i).entityKey())), argLists.get(i)));
      }
      p.sync();
    }
    for (Response<Object> r : responses) {
      r.get(); // throws the first error, e.g. NOSCRIPT
    }
  }

  @Override
  public Optional<FeatureRow> read(String view, String entityKey, long asOfMillis) {
    Map<String, String> hash;
    try {
      hash = client.hgetAll(key(view, entityKey));
    } catch (JedisException e) {
      throw failure("read view '" + view + "' from", e);
    }
    return toRow(view, entityKey, hash, asOfMillis);
  }

  /** Reads many keys of one view in one pipeline round trip; empty entries for absent keys. */
  @Override
  public List<Optional<FeatureRow>> readMany(
      String view, List<String> entityKeys, long asOfMillis) {
    List<Response<Map<String, String>>> responses = new ArrayList<>(entityKeys.size());
    try (Pipeline p = (Pipeline) client.pipelined()) {
      for (String k : entityKeys) {
        responses.add(p.hgetAll(key(view, k)));
      }
      p.sync();
    } catch (JedisException e) {
      throw failure("read view '" + view + "' from", e);
    }
    List<Optional<FeatureRow>> out = new ArrayList<>(entityKeys.size());
    for (int i = 0; i < entityKeys.size(); i++) {
      out.add(toRow(view, entityKeys.get(i), responses.get(i).get(), asOfMillis));
    }
    return out;
  }

  private Optional<FeatureRow> toRow(
      String view, String entityKey, Map<String, String> hash, long asOfMillis) {
    String et = hash == null ? null : hash.get(EVENT_TIME);
    if (et == null) {
      return Optional.empty();
    }
    long eventTime = Long.parseLong(et);
    Duration ttl = ttls.get(view);
    if (ttl != null && eventTime <= asOfMillis - ttl.toMillis()) {
      return Optional.empty();
    }
    Map<String, Object> values = new LinkedHashMap<>(hash.size() * 4 / 3 + 2);
    for (String f : features.getOrDefault(view, List.of())) {
      String v = hash.get(f);
      if (v != null) {
        values.put(f, FeatureValues.fromText(v));
      }
    }
    if (values.size() < hash.size() - 1) { // fields the project does not declare (any more)
      hash.keySet().stream()
          .filter(f -> !f.equals(EVENT_TIME) && !values.containsKey(f))
          .sorted()
          .forEach(f -> values.put(f, FeatureValues.fromText(hash.get(f))));
    }
    return Optional.of(new FeatureRow(entityKey, eventTime, values));
  }

  @Override
  public long count(String view) {
    String match = escapeGlob(prefix + view + ":") + "*";
    ScanParams params = new ScanParams().match(match).count(1000);
    String cursor = ScanParams.SCAN_POINTER_START;
    long n = 0;
    try {
      do {
        ScanResult<String> page = client.scan(cursor, params);
        n += page.getResult().size();
        cursor = page.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    } catch (JedisException e) {
      throw failure("count view '" + view + "' in", e);
    }
    return n;
  }

  /** Deletes every key under this store's prefix (tests and benchmarks); returns how many. */
  public long deleteAll() {
    if (prefix.isEmpty()) {
      throw new IllegalStateException("refusing to delete every key of a server: no key prefix");
    }
    ScanParams params = new ScanParams().match(escapeGlob(prefix) + "*").count(1000);
    String cursor = ScanParams.SCAN_POINTER_START;
    long n = 0;
    do {
      ScanResult<String> page = client.scan(cursor, params);
      if (!page.getResult().isEmpty()) {
        n += client.del(page.getResult().toArray(String[]::new));
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return n;
  }

  static String escapeGlob(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 4);
    for (char c : s.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  @Override
  public void close() {
    client.close();
  }

  private LakeOpsException failure(String what, JedisException e) {
    return new LakeOpsException(
        "cannot "
            + what
            + " the Redis online store at "
            + host
            + ":"
            + port
            + ": "
            + e.getMessage()
            + ". Fix: check that the server is running (redis-server --daemonize yes) and"
            + " reachable.",
        e);
  }

  @Override
  public String toString() {
    return "redis://" + host + ":" + port + "/" + prefix;
  }
}

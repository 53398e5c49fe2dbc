package dev.lakeops.common.online;

import dev.lakeops.common.error.Errors;
import dev.lakeops.common.error.LakeOpsException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The online store on a Redis server (Jedis 8). One hash per (prefix, view, key) — key {@code
 * <prefix><view>:<entity key>} — with field {@value #LATEST}, the entity's latest event time (epoch
 * µs, decimal), and field {@value #HISTORY}, its stored feature history ({@link
 * dev.lakeops.common.features.FeatureHistory}'s versioned binary form, or a values snapshot). A
 * read is one HMGET (many keys: one pipeline), one decode and the read rule of {@link OnlineStore}
 * (in {@code HistoryReader}).
 *
 * <p>Writes: a Lua script (loaded once, run with EVALSHA) compares the latest times and replaces
 * the hash only when the new one is at or after the stored one, atomically; a batch is one
 * pipeline. TTLs are checked on read against the event time — not with Redis EXPIRE, since event
 * times of offline rows can be years old. A hash of the earlier layout (one field per feature) has
 * no {@value #HISTORY} field and reads as "no row" until rewritten.
 *
 * <p>Thread-safety: safe to share; Jedis' {@link RedisClient} pools connections.
 */
public final class RedisOnlineStore implements OnlineStore {
  /** The hash field holding the latest event time (epoch microseconds, decimal). */
  public static final String LATEST = "t";

  /** The hash field holding the stored history. */
  public static final String HISTORY = "h";

  private static final byte[] HISTORY_B = HISTORY.getBytes(StandardCharsets.UTF_8);

  /** Entries per pipeline round trip. */
  static final int PIPELINE_BATCH = 1000;

  private static final String CAS_SCRIPT =
      """
      local cur = redis.call('HGET', KEYS[1], 't')
      if cur and tonumber(cur) > tonumber(ARGV[1]) then return 0 end
      redis.call('DEL', KEYS[1])
      redis.call('HSET', KEYS[1], 't', ARGV[1], 'h', ARGV[2])
      return 1
      """;

  private final String host;
  private final int port;
  private final String prefix;
  private final Map<String, HistoryReader> readers = new ConcurrentHashMap<>();
  private final RedisClient client;
  private volatile byte[] sha;

  /**
   * Connects and loads the compare-and-set script.
   *
   * @param views per view name, its TTL and features; entries of other views read as values
   *     snapshots only, without TTL
   */
  public RedisOnlineStore(String host, int port, String keyPrefix, Map<String, OnlineView> views) {
    this.host = host;
    this.port = port;
    this.prefix = keyPrefix == null ? "" : keyPrefix;
    views.forEach((name, v) -> readers.put(name, new HistoryReader(v)));
    this.client = RedisClient.create(host, port);
    try {
      client.ping();
      this.sha = client.scriptLoad(CAS_SCRIPT).getBytes(StandardCharsets.UTF_8);
    } catch (JedisException e) {
      client.close();
      throw Errors.redisUnreachable(host, port, e);
    }
  }

  /** The Redis key of a (view, entity key). */
  public String key(String view, String entityKey) {
    return prefix + view + ":" + entityKey;
  }

  private byte[] keyBytes(String view, String entityKey) {
    return key(view, entityKey).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void writeHistories(String view, Collection<StoredHistory> histories) {
    List<StoredHistory> all =
        histories instanceof List<StoredHistory> l ? l : new ArrayList<>(histories);
    for (int from = 0; from < all.size(); from += PIPELINE_BATCH) {
      List<StoredHistory> batch = all.subList(from, Math.min(all.size(), from + PIPELINE_BATCH));
      try {
        writeBatch(view, batch);
      } catch (JedisDataException e) {
        if (!String.valueOf(e.getMessage()).startsWith("NOSCRIPT")) {
          throw failure("write view '" + view + "' to", e);
        }
        // The server lost its scripts (restart, SCRIPT FLUSH): reload and redo; writes are
        // idempotent, so entries of the batch that did apply are not harmed.
        sha = client.scriptLoad(CAS_SCRIPT).getBytes(StandardCharsets.UTF_8);
        writeBatch(view, batch);
      } catch (JedisException e) {
        throw failure("write view '" + view + "' to", e);
      }
    }
  }

  private void writeBatch(String view, List<StoredHistory> batch) {
    List<Response<Object>> responses = new ArrayList<>(batch.size());
    try (Pipeline p = (Pipeline) client.pipelined()) {
      for (StoredHistory h : batch) {
        responses.add(
            p.evalsha(
                sha,
                List.of(keyBytes(view, h.entityKey())),
                List.of(
                    Long.toString(h.latestMicros()).getBytes(StandardCharsets.UTF_8),
                    h.history())));
      }
      p.sync();
    }
    for (Response<Object> r : responses) {
      r.get(); // throws the first error, e.g. NOSCRIPT
    }
  }

  @Override
  public OnlineRead lookup(String view, String entityKey, long asOfMillis) {
    List<byte[]> fields;
    try {
      fields = client.hmget(keyBytes(view, entityKey), HISTORY_B);
    } catch (JedisException e) {
      throw failure("read view '" + view + "' from", e);
    }
    return reader(view).read(entityKey, fields == null ? null : fields.get(0), asOfMillis);
  }

  /** Reads many keys of one view in one pipeline round trip. */
  @Override
  public List<OnlineRead> lookupMany(String view, List<String> entityKeys, long asOfMillis) {
    List<Response<List<byte[]>>> responses = new ArrayList<>(entityKeys.size());
    try (Pipeline p = (Pipeline) client.pipelined()) {
      for (String k : entityKeys) {
        responses.add(p.hmget(keyBytes(view, k), HISTORY_B));
      }
      p.sync();
    } catch (JedisException e) {
      throw failure("read view '" + view + "' from", e);
    }
    HistoryReader reader = reader(view);
    List<OnlineRead> out = new ArrayList<>(entityKeys.size());
    for (int i = 0; i < entityKeys.size(); i++) {
      List<byte[]> fields = responses.get(i).get();
      out.add(reader.read(entityKeys.get(i), fields == null ? null : fields.get(0), asOfMillis));
    }
    return out;
  }

  /** Reads the (view, key) pairs in one pipeline round trip (one HMGET each). */
  @Override
  public List<OnlineRead> lookupViews(
      List<String> views, List<String> entityKeys, long asOfMillis) {
    OnlineStore.checkSameSize(views, entityKeys);
    if (views.size() == 1) {
      return List.of(lookup(views.get(0), entityKeys.get(0), asOfMillis));
    }
    List<Response<List<byte[]>>> responses = new ArrayList<>(views.size());
    try (Pipeline p = (Pipeline) client.pipelined()) {
      for (int i = 0; i < views.size(); i++) {
        responses.add(p.hmget(keyBytes(views.get(i), entityKeys.get(i)), HISTORY_B));
      }
      p.sync();
    } catch (JedisException e) {
      throw failure("read views " + views + " from", e);
    }
    List<OnlineRead> out = new ArrayList<>(views.size());
    for (int i = 0; i < views.size(); i++) {
      List<byte[]> fields = responses.get(i).get();
      out.add(
          reader(views.get(i))
              .read(entityKeys.get(i), fields == null ? null : fields.get(0), asOfMillis));
    }
    return out;
  }

  private HistoryReader reader(String view) {
    return readers.computeIfAbsent(view, HistoryReader::unknown);
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
    return Errors.redisFailed(what, host, port, e);
  }

  @Override
  public String toString() {
    return "redis://" + host + ":" + port + "/" + prefix;
  }
}

package dev.lakeops.common.online;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The contract against a real Redis server (127.0.0.1:6379 unless LAKEOPS_REDIS_HOST/PORT). */
class RedisOnlineStoreIT extends OnlineStoreContract {
  private final String prefix = "lakeops-test-" + UUID.randomUUID() + ":";

  static String host() {
    return System.getenv().getOrDefault("LAKEOPS_REDIS_HOST", "127.0.0.1");
  }

  static int port() {
    return Integer.parseInt(System.getenv().getOrDefault("LAKEOPS_REDIS_PORT", "6379"));
  }

  /** Fails (never skips) when no server is running, saying how to start one. */
  static void requireRedis() {
    try (RedisClient c = RedisClient.create(host(), port())) {
      c.ping();
    } catch (RuntimeException e) {
      fail(
          "Redis is not running at "
              + host()
              + ":"
              + port()
              + " ("
              + e.getMessage()
              + "). Start it with: redis-server --daemonize yes"
              + " (or point LAKEOPS_REDIS_HOST / LAKEOPS_REDIS_PORT at a running server).");
    }
  }

  @BeforeAll
  static void redisIsRunning() {
    requireRedis();
  }

  @Override
  OnlineStore openStore() {
    return new RedisOnlineStore(host(), port(), prefix, VIEWS);
  }

  @AfterEach
  void cleanUp() {
    try (RedisOnlineStore s = new RedisOnlineStore(host(), port(), prefix, VIEWS)) {
      s.deleteAll();
      assertThat(s.count(VIEW)).isZero();
    }
  }

  @Test
  void oneHashPerKeyWithTheLatestTimeAndTheHistory() {
    RedisOnlineStore s = (RedisOnlineStore) store();
    StoredHistory h = HistoryFixture.stored("k", HistoryFixture.ev("k", "2021-01-01T10:15:00Z", 1));
    s.writeHistories(HistoryFixture.ACTIVITY, List.of(h));
    try (RedisClient c = RedisClient.create(host(), port())) {
      String key = prefix + HistoryFixture.ACTIVITY + ":k";
      assertThat(c.hget(key, RedisOnlineStore.LATEST))
          .isEqualTo(Long.toString(HistoryFixture.ms("2021-01-01T10:15:00Z") * 1000));
      assertThat(c.hget(key.getBytes(StandardCharsets.UTF_8), RedisOnlineStore.HISTORY.getBytes()))
          .isEqualTo(h.history());
      assertThat(c.hlen(key)).isEqualTo(2);
      assertThat(c.ttl(key)).as("no Redis EXPIRE").isEqualTo(-1);
    }
  }

  @Test
  void writesSurviveAFlushedScriptCache() {
    RedisOnlineStore s = (RedisOnlineStore) store();
    try (RedisClient c = RedisClient.create(host(), port())) {
      c.scriptFlush();
    }
    s.write(VIEW, List.of(row("k", T0, 1.0)));
    assertThat(s.read(VIEW, "k", T0)).contains(row("k", T0, 1.0));
  }
}

package dev.lakeops.common.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The byte counts the stored form is sized with: each equals what the writer writes (varints by
 * their 7-bit groups, worked out at the group boundaries; UTF-8 as {@code String.getBytes} gives
 * it).
 */
class CompactBytesTest {
  private static int written(long v, boolean zigzag) {
    CompactBytes.Out out = new CompactBytes.Out(16);
    if (zigzag) {
      out.zigzag(v);
    } else {
      out.varint(v);
    }
    return out.toArray().length;
  }

  @Test
  void varintSizesAreTheirSevenBitGroups() {
    // 0..127 one group; 128 = 2^7 two; 2^14 three; 2^63 - 1 nine; negative (64 bits) ten
    assertThat(CompactBytes.varintSize(0)).isEqualTo(1);
    assertThat(CompactBytes.varintSize(127)).isEqualTo(1);
    assertThat(CompactBytes.varintSize(128)).isEqualTo(2);
    assertThat(CompactBytes.varintSize(16_383)).isEqualTo(2);
    assertThat(CompactBytes.varintSize(16_384)).isEqualTo(3);
    assertThat(CompactBytes.varintSize(Long.MAX_VALUE)).isEqualTo(9);
    assertThat(CompactBytes.varintSize(-1)).isEqualTo(10);
    // zig-zag: -1 -> 1, 63 -> 126 (one byte), -65 -> 129 (two), MIN_VALUE -> all ones (ten)
    assertThat(CompactBytes.zigzagSize(-1)).isEqualTo(1);
    assertThat(CompactBytes.zigzagSize(63)).isEqualTo(1);
    assertThat(CompactBytes.zigzagSize(-65)).isEqualTo(2);
    assertThat(CompactBytes.zigzagSize(Long.MIN_VALUE)).isEqualTo(10);
    for (int shift = 0; shift < 64; shift++) {
      for (long v : new long[] {1L << shift, (1L << shift) - 1, -(1L << shift)}) {
        assertThat(CompactBytes.varintSize(v)).as("varint %d", v).isEqualTo(written(v, false));
        assertThat(CompactBytes.zigzagSize(v)).as("zigzag %d", v).isEqualTo(written(v, true));
      }
    }
  }

  @Test
  void utf8SizesAreWhatGetBytesWrites() {
    assertThat(CompactBytes.utf8Size("")).isZero();
    assertThat(CompactBytes.utf8Size("abc")).isEqualTo(3);
    assertThat(CompactBytes.utf8Size("é")).isEqualTo(2);
    assertThat(CompactBytes.utf8Size("€")).isEqualTo(3);
    assertThat(CompactBytes.utf8Size("😀")).isEqualTo(4); // one code point, two chars
    for (String s : new String[] {"a€é😀z", "\uD800", "x\uDC00y", "\uD83D\uD83D\uDE00"}) {
      assertThat(CompactBytes.utf8Size(s))
          .as("%s", s)
          .isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
  }
}

package dev.lakeops.common.features;

import java.util.Arrays;

/**
 * The byte primitives of the online stores' compact formats (the stored feature history and the
 * value rows): unsigned LEB128 varints, zig-zag varints for signed longs, and 8-byte big-endian
 * longs (doubles as their raw bits). One copy for both formats.
 */
public final class CompactBytes {
  private CompactBytes() {}

  /** A growing buffer. */
  public static final class Out {
    private byte[] buf;
    private int pos;

    public Out(int size) {
      buf = new byte[Math.max(16, size)];
    }

    private void room(int n) {
      if (buf.length - pos < n) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }

    public void put(byte b) {
      room(1);
      buf[pos++] = b;
    }

    public void put(byte[] bytes) {
      room(bytes.length);
      System.arraycopy(bytes, 0, buf, pos, bytes.length);
      pos += bytes.length;
    }

    public void putInt(int v) {
      room(4);
      for (int s = 24; s >= 0; s -= 8) {
        buf[pos++] = (byte) (v >>> s);
      }
    }

    public void putLong(long v) {
      room(8);
      for (int s = 56; s >= 0; s -= 8) {
        buf[pos++] = (byte) (v >>> s);
      }
    }

    public void varint(long v) {
      room(10);
      while ((v & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
    }

    public void zigzag(long v) {
      varint((v << 1) ^ (v >> 63));
    }

    /** The bytes written; the buffer itself when they fill it exactly (write no more after). */
    public byte[] toArray() {
      return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }
  }

  /** How many bytes {@link Out#varint} writes for {@code v} (1 to 10). */
  public static int varintSize(long v) {
    return v == 0 ? 1 : (64 - Long.numberOfLeadingZeros(v) + 6) / 7;
  }

  /** How many bytes {@link Out#zigzag} writes for {@code v}. */
  public static int zigzagSize(long v) {
    return varintSize((v << 1) ^ (v >> 63));
  }

  /** How many bytes {@code s} takes in UTF-8 (unpaired surrogates as the 1-byte '?'). */
  public static int utf8Size(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** A cursor over bytes; {@code pos} is the next byte to read. */
  private static final java.lang.invoke.VarHandle LONG_BE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
          long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  public static final class In {
    public final byte[] b;
    public int pos;

    public In(byte[] b, int pos) {
      this.b = b;
      this.pos = pos;
    }

    public long varint() {
      long v = 0;
      int shift = 0;
      while (true) {
        byte x = b[pos++];
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          return v;
        }
        shift += 7;
      }
    }

    public long zigzag() {
      long z = varint();
      return (z >>> 1) ^ -(z & 1);
    }

    public long getLong() {
      long v = (long) LONG_BE.get(b, pos);
      pos += 8;
      return v;
    }
  }
}

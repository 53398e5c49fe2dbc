package dev.lakeops.flink.io;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * One value of an event or a feature row between tasks, as a tag byte and its bytes: {@value #NULL}
 * null, {@value #STRING} String (a Flink {@link StringValue} string), {@value #INT} Integer (4
 * bytes), {@value #LONG} Long (8), {@value #DOUBLE} Double (raw bits, 8), {@value #TRUE} / {@value
 * #FALSE} Boolean. The one writer of these tags for {@link SourceEventSerializer} and the feature
 * rows' serializer.
 */
public final class TaggedValues {
  static final byte NULL = 0;
  static final byte STRING = 1;
  static final byte INT = 2;
  static final byte LONG = 3;
  static final byte DOUBLE = 4;
  static final byte TRUE = 5;
  static final byte FALSE = 6;

  private TaggedValues() {}

  /**
   * Writes {@code v}.
   *
   * @throws IOException for a value of another type (named in the message), or from {@code out}
   */
  public static void write(Object v, DataOutputView out) throws IOException {
    if (v == null) {
      out.writeByte(NULL);
    } else if (v instanceof String s) {
      out.writeByte(STRING);
      StringValue.writeString(s, out);
    } else if (v instanceof Integer i) {
      out.writeByte(INT);
      out.writeInt(i);
    } else if (v instanceof Long l) {
      out.writeByte(LONG);
      out.writeLong(l);
    } else if (v instanceof Double d) {
      out.writeByte(DOUBLE);
      out.writeLong(Double.doubleToRawLongBits(d));
    } else if (v instanceof Boolean b) {
      out.writeByte(b ? TRUE : FALSE);
    } else {
      throw new IOException("a value of type " + v.getClass().getName() + " cannot be serialized");
    }
  }

  /**
   * Reads a value {@link #write} wrote.
   *
   * @throws IOException for an unknown tag, or from {@code in}
   */
  public static Object read(DataInputView in) throws IOException {
    byte tag = in.readByte();
    return switch (tag) {
      case NULL -> null;
      case STRING -> StringValue.readString(in);
      case INT -> in.readInt();
      case LONG -> in.readLong();
      case DOUBLE -> Double.longBitsToDouble(in.readLong());
      case TRUE -> Boolean.TRUE;
      case FALSE -> Boolean.FALSE;
      default -> throw new IOException("unknown value tag " + tag);
    };
  }
}

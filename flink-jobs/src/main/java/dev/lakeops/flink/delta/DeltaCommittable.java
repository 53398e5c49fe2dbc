package dev.lakeops.flink.delta;

import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.DataFileStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Data files one sink subtask wrote between two checkpoints, to be committed as one Delta commit
 * carrying the transaction id {@code (appId, version)}.
 */
public record DeltaCommittable(String appId, long version, List<DataFileStatus> files) {

  /** Serializes committables into checkpoints; file statistics travel as Delta's stats JSON. */
  static final class Serializer implements SimpleVersionedSerializer<DeltaCommittable> {
    private final RowFormat<?> format;
    private transient StructType schema;

    Serializer(RowFormat<?> format) {
      this.format = format;
    }

    private StructType schema() {
      if (schema == null) {
        schema = format.schema();
      }
      return schema;
    }

    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(DeltaCommittable c) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeUTF(c.appId());
        out.writeLong(c.version());
        out.writeInt(c.files().size());
        for (DataFileStatus f : c.files()) {
          out.writeUTF(f.getPath());
          out.writeLong(f.getSize());
          out.writeLong(f.getModificationTime());
          Optional<DataFileStatistics> stats = f.getStatistics();
          out.writeBoolean(stats.isPresent());
          if (stats.isPresent()) {
            byte[] json = stats.get().serializeAsJson(schema()).getBytes("UTF-8");
            out.writeInt(json.length);
            out.write(json);
          }
        }
      }
      return bytes.toByteArray();
    }

    @Override
    public DeltaCommittable deserialize(int version, byte[] serialized) throws IOException {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        String appId = in.readUTF();
        long v = in.readLong();
        int n = in.readInt();
        List<DataFileStatus> files = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          String path = in.readUTF();
          long size = in.readLong();
          long mtime = in.readLong();
          Optional<DataFileStatistics> stats = Optional.empty();
          if (in.readBoolean()) {
            byte[] json = new byte[in.readInt()];
            in.readFully(json);
            stats = DataFileStatistics.deserializeFromJson(new String(json, "UTF-8"), schema());
          }
          files.add(new DataFileStatus(path, size, mtime, stats));
        }
        return new DeltaCommittable(appId, v, files);
      }
    }
  }
}

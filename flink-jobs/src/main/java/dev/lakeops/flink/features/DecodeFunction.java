package dev.lakeops.flink.features;

import dev.lakeops.common.config.SourceConfig;
import dev.lakeops.common.config.SourceFormat;
import dev.lakeops.common.events.Decoded;
import dev.lakeops.common.events.EventTimePlausibility;
import dev.lakeops.common.events.Rejection;
import dev.lakeops.common.events.SourceDecoder;
import dev.lakeops.common.events.SourceEvent;
import dev.lakeops.flink.io.RawRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes raw records into events with the source's validation rules; rejections go to the {@link
 * #REJECTED} side output. A file's first non-blank line is its header when the source declares one:
 * it is skipped, and it maps each data line's fields to the schema's columns by name (a header that
 * does not name exactly the schema's columns rejects every line of the file, rule {@code header}).
 * Row-index event time uses the record's index among the file's data lines. Events beyond the
 * source's future bound are rejected here, so they never reach the watermark. The first event whose
 * time is implausible ({@link EventTimePlausibility}: before 1971, or years ahead: probably a wrong
 * epoch unit) is logged as a warning, once per task, naming the likely unit.
 */
final class DecodeFunction extends ProcessFunction<RawRecord, SourceEvent> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DecodeFunction.class);
  static final OutputTag<Rejection> REJECTED = new OutputTag<>("rejected") {};

  private final SourceConfig source;
  private final SourceFormat format;
  private transient SourceDecoder decoder;
  private transient boolean header;
  private transient boolean warned;

  /**
   * @param source the source as loaded (shipped with the task as it is)
   * @param format how the records are written, or null for the source's format
   */
  DecodeFunction(SourceConfig source, SourceFormat format) {
    this.source = source;
    this.format = format;
  }

  @Override
  public void open(OpenContext ctx) {
    decoder = format == null ? new SourceDecoder(source) : new SourceDecoder(source, format);
    header = decoder.hasHeader();
  }

  @Override
  public void processElement(RawRecord r, Context ctx, Collector<SourceEvent> out) {
    long row = r.index();
    if (header && row >= 0) {
      if (row == 0) {
        return;
      }
      row--;
    }
    // The header orders the fields by name (files may order the columns differently).
    Decoded d = decoder.decode(r.text(), header ? r.first() : null, row, r.origin());
    if (d instanceof SourceEvent e) {
      if (!warned) {
        long t = e.eventTimeMicros();
        EventTimePlausibility.check(source, t, t, System.currentTimeMillis() * 1000)
            .ifPresent(
                w -> {
                  LOG.warn("{} (the first such event; later ones are not reported)", w);
                  warned = true;
                });
      }
      out.collect(e);
    } else if (d instanceof Rejection x) {
      ctx.output(REJECTED, x);
    }
  }
}

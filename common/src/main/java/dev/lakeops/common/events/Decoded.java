package dev.lakeops.common.events;

/** The outcome of decoding one input record: an event, a rejection, or nothing (a header). */
public sealed interface Decoded permits SourceEvent, Rejection, Decoded.Skipped {

  /** A record that is not data (a header or blank line): neither an event nor a rejection. */
  record Skipped(String why) implements Decoded {}

  Skipped HEADER = new Skipped("header");
  Skipped BLANK = new Skipped("blank");
}

package dev.lakeops.spark.ingest;

/** One input file as listed at the start of a run; a file is identified by all three fields. */
public record InputFile(String path, long size, long modificationTime) {}

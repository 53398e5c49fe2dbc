/**
 * The Spark-free scorer: {@link dev.lakeops.common.scoring.PipelineScorer} loads a saved MLlib
 * PipelineModel (metadata JSON and Parquet data, through Hadoop's FileSystem) and scores one row at
 * a time with the same results as Spark's {@code transform()}.
 *
 * <h2>How it works</h2>
 *
 * Each saved stage is looked up by its MLlib class name in a registry of loaders ({@code
 * StageRegistry}); a loader reads the stage's params and data and compiles it into a {@code Stage}
 * working on slots of a per-row frame ({@code Frame}: doubles with null flags, preallocated vector
 * arrays). Column names are resolved to slots once, at load time ({@code Layout}); a column read
 * before any stage writes it is an input column ({@code PipelineScorer.inputColumns()}).
 *
 * <h2>Exactness</h2>
 *
 * The stages repeat Spark 4.2's arithmetic in Spark's order: Imputer surrogates cast to the
 * column's type, StandardScaler multiplying by {@code 1 / std}, MinMaxScaler's precomputed scale,
 * Spark 4's rule for holding an assembled vector dense or sparse (which decides whether a dot
 * product goes through netlib-java's fma-based Java BLAS or through Spark's own loop), the
 * binary-LR probability {@code 1 - p0}, the softmax scaled by {@code 1 / sum}, the GBT margin as
 * BLAS ddot. The parity tests ({@code spark-jobs/src/test/java/dev/lakeops/spark/scoring}) find
 * every output bit-identical to Spark's on their 10,000-row sets.
 *
 * <h2>Rows that are not scored</h2>
 *
 * A row Spark would drop ({@code handleInvalid = "skip"}: VectorAssembler with a null or NaN,
 * StringIndexer with a null or unseen label) or fail on ({@code "error"}; also a text value in a
 * numeric column, or a null features vector) raises {@link
 * dev.lakeops.common.scoring.InvalidRowException} naming the stage, the column and the reason, with
 * {@code skipped()} telling the two cases apart. A streaming job catches it and dead-letters the
 * row; no made-up score is ever returned. With {@code keep} (what the training job uses), nulls and
 * unseen categories are scored exactly as Spark scores them.
 *
 * <h2>Input types</h2>
 *
 * Rows are maps (or arrays in {@code inputColumns()} order) of {@code Double}, {@code Long}, {@code
 * Integer}, {@code String}, {@code Boolean} or {@code null}; a missing column counts as null. Pass
 * the signature's types to {@code PipelineScorer.load(dir, types)} so that a null in a long or
 * integer column is imputed with the truncated surrogate, as Spark's cast back to the column type
 * does.
 */
package dev.lakeops.common.scoring;

/**
 * Drift statistics, engine-free: the window side ({@link
 * dev.lakeops.common.monitoring.drift.FeatureWindow}, a bounded mergeable summary a streaming job
 * keeps in keyed state), the reference side ({@link
 * dev.lakeops.common.monitoring.drift.ReferenceColumn}, read from the model's {@link
 * dev.lakeops.common.training.ReferenceProfile} written at training) and the statistics comparing
 * them ({@link dev.lakeops.common.monitoring.drift.DriftStatistics}).
 *
 * <p>Numeric summaries are Apache DataSketches KLL doubles sketches with {@code k = }{@value
 * dev.lakeops.common.monitoring.drift.QuantileSketches#K} ({@link
 * dev.lakeops.common.monitoring.drift.QuantileSketches}); distribution functions (Kolmogorov,
 * chi-square) come from Hipparchus.
 */
package dev.lakeops.common.monitoring.drift;

package dev.lakeops.common.registry;

/**
 * When a challenger may replace the champion: it must beat the champion's value of {@code metric}
 * on the same holdout by at least {@code minImprovement}.
 *
 * @param higherIsBetter false for error metrics such as rmse or log_loss
 */
public record GatePolicy(String metric, double minImprovement, boolean higherIsBetter) {}

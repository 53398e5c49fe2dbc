package dev.lakeops.common.registry;

import java.util.Map;

/**
 * What produced a model version: the training run, the training set and every table it was built
 * from with its Delta version, the code commit and the configuration hash.
 *
 * @param inputs table name → Delta version read
 * @param codeVersion git commit (with "-dirty" for uncommitted changes), or null outside git
 */
public record Lineage(
    String runId,
    String trainingSet,
    Map<String, Long> inputs,
    String codeVersion,
    String configHash) {}

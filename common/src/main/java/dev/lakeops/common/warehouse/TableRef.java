package dev.lakeops.common.warehouse;

/**
 * A Delta table of the warehouse.
 *
 * @param path the table's location
 * @param name its catalog name, {@code database.table}
 */
public record TableRef(String path, String name) implements java.io.Serializable {}

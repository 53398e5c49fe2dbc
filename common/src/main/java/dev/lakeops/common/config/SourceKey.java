package dev.lakeops.common.config;

import dev.lakeops.common.expr.Expr;
import java.io.Serializable;
import java.util.List;

/**
 * How a source's rows name one entity: each row's key of {@code entity}, computed from the row by
 * {@code parts} and normalised to its canonical text by {@code
 * dev.lakeops.common.events.EntityKeys} (every reader uses that one rule).
 *
 * @param entity the entity's name ({@code entities.yaml})
 * @param column the entity's key column, where the key text is stored (events table, feature
 *     tables, training sets); a declared source column of that name holds the key text in every
 *     engine
 * @param parts one expression per part of the key (one for a simple entity), each of type text,
 *     number (an integer) or date
 * @param texts the expressions as written, for messages
 */
public record SourceKey(String entity, String column, List<Expr> parts, List<String> texts)
    implements Serializable {

  public SourceKey {
    parts = List.copyOf(parts);
    texts = List.copyOf(texts);
  }

  /** The key expression(s) as written: {@code user_id}, or {@code [store_id, product_id]}. */
  public String text() {
    return texts.size() == 1 ? texts.get(0) : texts.toString();
  }
}

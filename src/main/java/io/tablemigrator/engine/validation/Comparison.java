package io.tablemigrator.engine.validation;

import io.tablemigrator.engine.db.QualifiedName;

/**
 * One relation of a source table and its counterpart on the target, whose fingerprints validation compares: the
 * table and its target table, or two partitions with the same bounds. A side is null when only the other side has
 * a partition with those bounds (it then counts as empty there).
 *
 * @param bound the partitions' bound path (FOR VALUES ..., from the top partition down), for messages; null for
 *              whole tables
 */
record Comparison(QualifiedName source, QualifiedName target, String bound) {
}

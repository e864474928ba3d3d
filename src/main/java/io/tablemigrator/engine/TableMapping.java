package io.tablemigrator.engine;

import io.tablemigrator.engine.db.QualifiedName;

/** A source table and the name it gets on the target. */
public record TableMapping(QualifiedName source, QualifiedName target) {
}

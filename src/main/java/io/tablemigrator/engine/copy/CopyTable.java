package io.tablemigrator.engine.copy;

import io.tablemigrator.engine.StatusBoard.TableProgress;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.schema.CopyColumns;

/** One table to copy, with its size on the source (in blocks, at the time of planning) and its progress counters. */
public record CopyTable(TableMapping mapping, CopyColumns columns, long blocks, TableProgress progress) {
}

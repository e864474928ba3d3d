package io.tablemigrator.engine.copy;

import java.util.List;

/**
 * The columns one table's copy reads on the source and writes on the target (same order), and whether the binary
 * COPY format is safe for them: it is only when every type is built in, because binary arrays and composites carry
 * type OIDs that differ between databases.
 */
public record CopyColumns(List<String> source, List<String> target, boolean binary) {
}

package io.tablemigrator.engine.cutover;

import io.tablemigrator.engine.copy.SnapshotHolder;

/**
 * Both databases as they were at the cutover: snapshots exported while the source was blocked and replay had
 * drained to the fence, kept open so that validation can read them after writes are released.
 */
public final class CutoverPoint implements AutoCloseable {
    private final SnapshotHolder source;
    private final SnapshotHolder target;

    CutoverPoint(SnapshotHolder source, SnapshotHolder target) {
        this.source = source;
        this.target = target;
    }

    public String sourceSnapshot() {
        return source.name();
    }

    public String targetSnapshot() {
        return target.name();
    }

    @Override
    public void close() {
        source.close();
        target.close();
    }
}

package io.tablemigrator.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Fails when crds/ or the chart's copy no longer match the API types; {@code make crds} brings both up to date. */
class CrdIsCurrentTest {

    @Test
    void committedCrdsMatchTheApiTypes() throws IOException {
        String generated = CrdFiles.generate();
        if (Boolean.getBoolean("crds.write")) {
            for (Path path : new Path[] {CrdFiles.COMMITTED, CrdFiles.CHART_COPY}) {
                Files.createDirectories(path.getParent());
                Files.writeString(path, generated);
            }
        }
        for (Path path : new Path[] {CrdFiles.COMMITTED, CrdFiles.CHART_COPY}) {
            assertThat(path).as("%s is missing: run `make crds`", path).exists();
            assertThat(Files.readString(path))
                    .as("%s is stale (the API types changed): run `make crds` and commit the result", path)
                    .isEqualTo(generated);
        }
    }
}

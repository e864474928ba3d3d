package io.tablemigrator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The TableMigration manifests the figures run, written next to their logs so that a run can be repeated by hand. */
final class Manifests {
    private Manifests() {
    }

    /**
     * @param mode    Offline or Online
     * @param cutover the cutover block's fields (Online), e.g. "policy: Manual"
     */
    static Path write(Path dir, String name, Server source, String sourceDb, Server target, String targetDb,
                      String mode, List<String> tables, String cutover) {
        String yaml = """
                apiVersion: tablemigrator.io/v1alpha1
                kind: TableMigration
                metadata: {name: %s, namespace: bench}
                spec:
                  source: {url: "%s"}
                  target: {url: "%s"}
                  mode: %s
                  tables:
                %s
                  copy: {parallelism: 4}
                  cutover: {%s}
                  validation: {mode: Checksum}
                """.formatted(name, source.url(sourceDb), target.url(targetDb), mode,
                tables.stream().map(t -> "    - {name: " + t + "}").collect(Collectors.joining("\n")), cutover);
        Path file = dir.resolve(name + ".yaml");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}

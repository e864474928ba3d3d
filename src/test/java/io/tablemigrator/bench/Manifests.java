package io.tablemigrator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** The TableMigration manifests the figures run, written next to their logs so that a run can be repeated by hand. */
final class Manifests {
    /** spec.copy.parallelism when a manifest does not say: what a user gets. */
    static final int DEFAULT_PARALLELISM = 4;

    private Manifests() {
    }

    /**
     * @param mode        Offline or Online
     * @param cutover     the cutover block's fields, e.g. "policy: Manual"
     * @param parallelism spec.copy.parallelism
     */
    static Path write(Path dir, String name, Server source, String sourceDb, Server target, String targetDb,
                      String mode, List<String> tables, String cutover, int parallelism) {
        String yaml = String.join("\n",
                "apiVersion: tablemigrator.io/v1alpha1",
                "kind: TableMigration",
                "metadata: {name: " + name + ", namespace: bench}",
                "spec:",
                "  source: {url: \"" + source.url(sourceDb) + "\"}",
                "  target: {url: \"" + target.url(targetDb) + "\"}",
                "  mode: " + mode,
                "  tables:",
                tables.stream().map(t -> "    - {name: " + t + "}").collect(Collectors.joining("\n")),
                "  copy: {parallelism: " + parallelism + "}",
                "  cutover: {" + cutover + "}",
                "  validation: {mode: Checksum}",
                "");
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

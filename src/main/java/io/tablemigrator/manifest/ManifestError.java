package io.tablemigrator.manifest;

import java.util.List;

/** A manifest that cannot be used as given; each problem names the field and what to put there. */
public class ManifestError extends RuntimeException {
    private final List<String> problems;

    public ManifestError(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public ManifestError(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}

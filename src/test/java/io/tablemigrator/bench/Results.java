package io.tablemigrator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The figures of one run: every sample, the medians, ours against the baseline, and the target; written as the
 * results section of docs/benchmarks.md (between two markers, so that the analysis around it stays).
 */
final class Results {
    static final String BEGIN = "<!-- bench:results:begin (written by make bench) -->";
    static final String END = "<!-- bench:results:end -->";

    private enum Kind {
        /** seconds; ratio = ours / baseline, lower is better */
        TIME,
        /** a rate; ratio = ours / baseline, higher is better */
        RATE,
        /** an absolute limit on ours, no baseline */
        LIMIT,
        /** seconds, ours / baseline, shown to explain another row: no target of its own */
        INFO
    }

    private record Row(String figure, Kind kind, String unit, List<Double> ours, List<Double> baseline,
                       String baselineLabel, double ratioTarget, double medianLimit, double worstLimit,
                       String targetText) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** A duration in seconds, ours against the baseline's: met when ours / baseline (medians) is at most the target. */
    void time(String figure, List<Double> ours, List<Double> baseline, String baselineLabel, double maxRatio) {
        rows.add(new Row(figure, Kind.TIME, "s", ours, baseline, baselineLabel, maxRatio, 0, 0,
                "ratio ≤ " + fmt(maxRatio)));
    }

    /** A duration in seconds that explains another row (ours measured differently), without a target. */
    void info(String figure, List<Double> ours, List<Double> baseline, String baselineLabel, String why) {
        rows.add(new Row(figure, Kind.INFO, "s", ours, baseline, baselineLabel, 0, 0, 0, why));
    }

    /**
     * A rate, ours against the baseline's: met when ours / baseline (medians) is at least the target (NaN: a row that
     * explains another, no target of its own).
     */
    void rate(String figure, String unit, List<Double> ours, List<Double> baseline, String baselineLabel, double minRatio,
              String targetText) {
        rows.add(new Row(figure, Kind.RATE, unit, ours, baseline, baselineLabel, minRatio, 0, 0, targetText));
    }

    /** An absolute figure of ours: met when the median is below {@code medianLimit} and the worst below {@code worstLimit}. */
    void limit(String figure, String unit, List<Double> ours, double medianLimit, double worstLimit, String targetText) {
        rows.add(new Row(figure, Kind.LIMIT, unit, ours, List.of(), null, 0, medianLimit, worstLimit, targetText));
    }

    void note(String note) {
        notes.add(note);
        System.err.println("bench: note: " + note);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** The results section: the table, the samples, the notes. */
    String markdown(String machine, String command) {
        StringBuilder md = new StringBuilder();
        md.append(BEGIN).append("\n\n");
        md.append("Reproduce: `").append(command).append("`\n\n");
        md.append(machine).append("\n\n");
        md.append("| Figure | Ours | Baseline | Ratio | Target | Met |\n");
        md.append("|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(cell(r.figure())).append(" | ").append(cell(oursCell(r))).append(" | ")
                    .append(cell(baselineCell(r))).append(" | ").append(ratioCell(r)).append(" | ")
                    .append(cell(r.targetText())).append(" | ").append(met(r)).append(" |\n");
        }
        md.append("\nMedians over the repetitions (n = samples). Ratio: ours / baseline; for times lower is better, ")
                .append("for rates higher is better.\n\n");
        md.append("<details><summary>Every sample</summary>\n\n");
        md.append("| Figure | Ours | Baseline |\n|---|---|---|\n");
        for (Row r : rows) {
            md.append("| ").append(cell(r.figure())).append(" | ").append(samples(r.ours(), r.unit())).append(" | ")
                    .append(r.baseline().isEmpty() ? "—" : samples(r.baseline(), r.unit())).append(" |\n");
        }
        md.append("\n</details>\n");
        if (!notes.isEmpty()) {
            md.append("\n");
            notes.forEach(n -> md.append("- ").append(n).append("\n"));
        }
        md.append("\n").append(END).append("\n");
        return md.toString();
    }

    private String oursCell(Row r) {
        if (r.ours().isEmpty()) {
            return "not measured";
        }
        if (r.kind() == Kind.LIMIT) {
            return "median " + value(median(r.ours()), r.unit()) + ", worst " + value(max(r.ours()), r.unit())
                    + " (n=" + r.ours().size() + ")";
        }
        return value(median(r.ours()), r.unit()) + " (n=" + r.ours().size() + ")";
    }

    private String baselineCell(Row r) {
        if (r.kind() == Kind.LIMIT) {
            return "—";
        }
        if (r.baseline().isEmpty()) {
            return "not run: " + r.baselineLabel();
        }
        return value(median(r.baseline()), r.unit()) + " (n=" + r.baseline().size() + "), " + r.baselineLabel();
    }

    /** A table cell: a | inside would end it. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private String ratioCell(Row r) {
        double ratio = ratio(r);
        return Double.isNaN(ratio) ? "—" : fmt(ratio) + "×";
    }

    private static double ratio(Row r) {
        if (r.kind() == Kind.LIMIT || r.ours().isEmpty() || r.baseline().isEmpty()) {
            return Double.NaN;
        }
        return median(r.ours()) / median(r.baseline());
    }

    private String met(Row r) {
        if (r.ours().isEmpty()) {
            return "—";
        }
        return switch (r.kind()) {
            case TIME -> Double.isNaN(ratio(r)) ? "—" : ratio(r) <= r.ratioTarget() ? "yes" : "**no**";
            case RATE -> Double.isNaN(ratio(r)) || Double.isNaN(r.ratioTarget()) ? "—"
                    : ratio(r) >= r.ratioTarget() ? "yes" : "**no**";
            case LIMIT -> median(r.ours()) < r.medianLimit() && max(r.ours()) < r.worstLimit() ? "yes" : "**no**";
            case INFO -> "—";
        };
    }

    private static String samples(List<Double> values, String unit) {
        return values.stream().map(v -> value(v, unit)).collect(Collectors.joining(", "));
    }

    private static String value(double v, String unit) {
        return switch (unit) {
            case "s" -> String.format(Locale.ROOT, "%.2f s", v);
            case "ms" -> String.format(Locale.ROOT, "%,.0f ms", v);
            case "MB" -> String.format(Locale.ROOT, "%,.0f MB", v);
            default -> String.format(Locale.ROOT, "%,.0f %s", v, unit);
        };
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** Replaces the results section of the file (or appends one), leaving the rest as it is. */
    void write(Path file, String machine, String command) throws IOException {
        String section = markdown(machine, command);
        String text = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n\n";
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin >= 0 && end > begin) {
            text = text.substring(0, begin) + section + text.substring(end + END.length()).replaceFirst("^\n", "");
        } else {
            text = text + (text.endsWith("\n") ? "\n" : "\n\n") + section;
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text);
    }
}

package io.tablemigrator.cli;

/** Numbers as people read them. */
final class Format {
    private Format() {
    }

    static String count(Long n) {
        return n == null ? "?" : String.format("%,d", n);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }

    private static final java.time.format.DateTimeFormatter CLOCK = java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss");

    /** The time of day for log and progress lines (LocalTime's own form drops ":00" seconds). */
    static String clock() {
        return java.time.LocalTime.now().format(CLOCK);
    }

    static String duration(long seconds) {
        return seconds >= 3600 ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format("%d:%02d", seconds / 60, seconds % 60);
    }
}

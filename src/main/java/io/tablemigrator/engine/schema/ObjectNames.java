package io.tablemigrator.engine.schema;

import java.nio.charset.StandardCharsets;

/**
 * Names of the objects a moved table brings along (indexes, constraints, sequences). PostgreSQL cuts every
 * identifier at 63 bytes; these names are made to fit beforehand, so that the name the engine checks for on
 * a resumed run is the name the server really stored.
 */
final class ObjectNames {
    static final int MAX_BYTES = 63;

    private ObjectNames() {
    }

    static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The longest prefix of {@code s} within {@code maxBytes} UTF-8 bytes, never cutting a character in two. */
    static String truncate(String s, int maxBytes) {
        int used = 0;
        int end = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (used + size > maxBytes) {
                break;
            }
            used += size;
            end += Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /**
     * Joins the parts, first shortening the longest part one character at a time until the whole fits, as
     * PostgreSQL does for the names it chooses itself (so {@code _pkey} or {@code _seq} survive).
     */
    static String fit(String... parts) {
        String[] p = parts.clone();
        while (bytes(String.join("", p)) > MAX_BYTES) {
            int longest = 0;
            for (int i = 1; i < p.length; i++) {
                if (bytes(p[i]) > bytes(p[longest])) {
                    longest = i;
                }
            }
            p[longest] = truncate(p[longest], bytes(p[longest]) - 1);
        }
        return String.join("", p);
    }

    /**
     * The name of an index or constraint on a table that moved or was renamed: the source name with the source
     * table's name replaced by the target's where it appears as a word of the name ({@code orders_pkey} becomes
     * {@code orders_v2_pkey}), else the target table's name and an underscore before the source name.
     */
    static String forMovedTable(String sourceName, String sourceTable, String targetTable) {
        for (int at = sourceName.indexOf(sourceTable); at >= 0 && !sourceTable.isEmpty();
             at = sourceName.indexOf(sourceTable, at + 1)) {
            int end = at + sourceTable.length();
            if (isBoundary(sourceName, at - 1) && isBoundary(sourceName, end)) {
                return fit(sourceName.substring(0, at), targetTable, sourceName.substring(end));
            }
        }
        String rest = afterShortenedTableName(sourceName, sourceTable);
        if (rest != null) {
            return fit(targetTable, rest);
        }
        return fit(targetTable, "_", sourceName);
    }

    /**
     * When a name PostgreSQL chose would pass 63 bytes, it shortens the table's name inside it
     * ({@code <long table>_pkey} becomes {@code <long ta>_pkey}). Such a name is full length and starts with a
     * good part of the table's name; what follows that part is returned, else null.
     */
    private static String afterShortenedTableName(String sourceName, String sourceTable) {
        if (bytes(sourceName) < MAX_BYTES - 3) {
            return null;
        }
        for (int end = sourceTable.length() - 1; end >= Math.max(1, sourceTable.length() / 2); end--) {
            if (Character.isLowSurrogate(sourceTable.charAt(end))) {
                continue;
            }
            String cut = sourceTable.substring(0, end);
            if (sourceName.startsWith(cut) && isBoundary(sourceName, end)) {
                return sourceName.substring(end);
            }
        }
        return null;
    }

    /** The sequence of a serial or identity column, named as PostgreSQL names its own. */
    static String sequenceName(String targetTable, String column) {
        return fit(targetTable, "_", column, "_seq");
    }

    private static boolean isBoundary(String s, int index) {
        return index < 0 || index >= s.length() || !Character.isLetterOrDigit(s.charAt(index));
    }
}

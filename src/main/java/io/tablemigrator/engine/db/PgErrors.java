package io.tablemigrator.engine.db;

import java.sql.SQLException;

import io.tablemigrator.engine.MigrationError;

/** Turns driver errors on connecting into sentences that name the cause and the fix, without the password. */
public final class PgErrors {
    private PgErrors() {
    }

    public static MigrationError onConnect(String side, PgUrl url, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = "the " + side + " database " + url.redacted();
        return switch (state) {
            case "08001", "08006", "08004" -> new MigrationError(reasonPrefix(side) + "Unreachable",
                    "Cannot connect to " + where + ": " + firstLine(e)
                            + ". Check the host, port and network policy, and that the server is running.", e);
            case "28P01", "28000" -> new MigrationError(reasonPrefix(side) + "AuthenticationFailed",
                    "The " + side + " database refused user " + url.user() + " (" + firstLine(e)
                            + "). Check the user and password in spec." + side + " and pg_hba.conf.", e);
            case "3D000" -> new MigrationError(reasonPrefix(side) + "DatabaseMissing",
                    "The database of " + where + " does not exist. Fix the database name in spec." + side + ".", e);
            default -> new MigrationError(reasonPrefix(side) + "Unreachable",
                    "Cannot connect to " + where + ": " + firstLine(e) + ".", e);
        };
    }

    /** The driver's first line, without a trailing period; drivers never echo the password in it. */
    public static String firstLine(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
    }

    /** "Source" or "Target": how a side starts the reason of its errors (SourceUnreachable, TargetUnreachable). */
    public static String reasonPrefix(String side) {
        return Character.toUpperCase(side.charAt(0)) + side.substring(1);
    }
}

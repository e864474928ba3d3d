package io.tablemigrator.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The command line's log: warnings and errors on stderr (INFO too with --verbose), one short line each, under the
 * progress display. Set up before anything logs, since the command line runs without Quarkus's logging.
 */
final class CliLogging {
    private CliLogging() {
    }

    static void configure(boolean verbose) {
        // the engine logs through JBoss Logging: let it write to java.util.logging, configured here
        System.setProperty("org.jboss.logging.provider", "jdk");
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Handler stderr = new ConsoleHandler();
        stderr.setLevel(Level.ALL);
        stderr.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord record) {
                String line = Format.clock() + " " + record.getLevel() + " "
                        + formatMessage(record) + System.lineSeparator();
                return record.getThrown() == null ? line : line + "  caused by: " + record.getThrown() + System.lineSeparator();
            }
        });
        root.addHandler(stderr);
        root.setLevel(verbose ? Level.INFO : Level.WARNING);
    }
}

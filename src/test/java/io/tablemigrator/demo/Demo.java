package io.tablemigrator.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.tablemigrator.testing.PgServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * {@code make demo}: two embedded PostgreSQL servers (14 as the source, 17 as the target), a shop database with a
 * large table, a mixed-case one and one full of jsonb, bytea and arrays, an application that keeps writing, and the
 * migration of examples/demo.yaml run through the command line, as a user would run it.
 */
public final class Demo {
    static final int SOURCE_PORT = 54314;
    static final int TARGET_PORT = 54317;
    private static final Path MANIFEST = Path.of("examples", "demo.yaml");
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    public static void main(String[] args) throws Exception {
        say("starting PostgreSQL 14 (source, port " + SOURCE_PORT + ") and PostgreSQL 17 (target, port " + TARGET_PORT + ")");
        try (EmbeddedPostgres source = start("14", SOURCE_PORT); EmbeddedPostgres target = start("17", TARGET_PORT)) {
            createDatabase(source);
            createDatabase(target);
            say("filling the source: 1,000,000 orders, 150,000 order items, 20,000 documents");
            try (Connection c = connect(SOURCE_PORT); Statement st = c.createStatement()) {
                st.execute(Files.readString(Path.of("src/test/resources/demo/shop.sql")));
            }
            int exit;
            try (ShopApplication app = ShopApplication.start(SOURCE_PORT)) {
                say("the shop application is writing to the source; migrating with: java -jar " + JAR
                        + " migrate -f " + MANIFEST);
                System.err.println();
                exit = runCli();
                System.err.println();
                app.stop();
                say("the application wrote " + app.writes() + " transactions during the migration; the slowest took "
                        + app.slowestMillis() + " ms" + app.refusal().map(r -> "; after the cutover the source refused "
                        + "writes with: " + r).orElse(""));
            }
            if (exit != 0) {
                say("the migration exited with " + exit);
                System.exit(exit);
            }
            compare();
        }
    }

    /**
     * Runs the migration as a user would, and approves its Manual cutover from "another terminal" once replication
     * has run for a few seconds, so that the replay can be watched.
     */
    private static int runCli() throws Exception {
        Process cli = cli("migrate").start();
        waitForStage("Replicating", cli);
        java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.SECONDS.toNanos(REPLICATE_SECONDS));
        if (cli.isAlive()) {
            say("approving the cutover from another terminal: java -jar " + JAR + " approve -f " + MANIFEST);
            cli("approve").start().waitFor();
        }
        return cli.waitFor();
    }

    private static final int REPLICATE_SECONDS = 6;

    private static ProcessBuilder cli(String command) {
        return new ProcessBuilder("java", "-jar", JAR.toString(), command, "-f", MANIFEST.toString()).inheritIO();
    }

    /** Waits until the migration's checkpoint on the target shows the stage, or the process has ended. */
    private static void waitForStage(String stage, Process cli) throws SQLException {
        try (Connection t = connect(TARGET_PORT)) {
            while (cli.isAlive()) {
                try (Statement st = t.createStatement();
                     var rs = st.executeQuery("SELECT stage FROM tablemigrator.migrations")) {
                    if (rs.next() && rs.getString(1).equals(stage)) {
                        return;
                    }
                } catch (SQLException notYetCreated) {
                    // the checkpoint table appears when the migration starts
                }
                java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
            }
        }
    }

    /** The check a careful user makes afterwards: every row on both sides, compared with our own eyes. */
    private static void compare() throws SQLException {
        List<String[]> pairs = List.of(
                new String[] {"public.orders", "public.orders"},
                new String[] {"\"Sales\".\"Order Items\"", "sales.order_items"},
                new String[] {"public.documents", "public.documents"});
        try (Connection s = connect(SOURCE_PORT); Connection t = connect(TARGET_PORT)) {
            for (String[] pair : pairs) {
                String sql = "SELECT count(*), md5(string_agg(x::text, ',' ORDER BY x::text)) FROM %s x";
                String a = one(s, String.format(sql, pair[0]));
                String b = one(t, String.format(sql, pair[1]));
                say(String.format("%-24s -> %-20s %s", pair[0], pair[1], a.equals(b) ? "identical" : "DIFFERENT"));
                if (!a.equals(b)) {
                    System.exit(1);
                }
            }
        }
        say("done: every row arrived once, and the source tables are now read-only.");
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1) + " rows, " + rs.getString(2);
        }
    }

    /** The server's own log goes to target/demo-postgresql-VERSION.log, which a failure to start points to. */
    private static EmbeddedPostgres start(String version, int port) throws IOException {
        java.io.File log = java.nio.file.Path.of("target", "demo-postgresql-" + version + ".log").toFile();
        try {
            return PgServer.builder(version).setPort(port)
                    .setServerConfig("logical_decoding_work_mem", "64MB")
                    .setOutputRedirector(ProcessBuilder.Redirect.to(log))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log))
                    .start();
        } catch (IOException e) {
            throw new IOException("PostgreSQL " + version + " did not start on port " + port + " (" + e.getMessage()
                    + "). Is another server using that port? Its log: " + log, e);
        }
    }

    private static void createDatabase(EmbeddedPostgres pg) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.getJdbcUrl("postgres", "postgres"));
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE shop");
        }
    }

    static Connection connect(int port) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/shop", "postgres", "");
    }

    private static void say(String line) {
        System.err.println("demo: " + line);
    }
}

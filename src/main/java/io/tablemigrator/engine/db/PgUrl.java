package io.tablemigrator.engine.db;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A database address as users write it: a libpq URI ({@code postgresql://user:pass@host:5432/db?sslmode=require})
 * or a JDBC URL ({@code jdbc:postgresql://host/db?user=..}). Turned into a JDBC URL without credentials plus
 * connection properties, so that the password never appears in a URL that could end up in a message.
 */
public final class PgUrl {
    /** libpq parameter names that pgjdbc spells differently. */
    private static final Map<String, String> LIBPQ_TO_JDBC = Map.of(
            "connect_timeout", "connectTimeout",
            "application_name", "ApplicationName",
            "target_session_attrs", "targetServerType",
            "sslpassword", "sslpassword");

    private final String hosts;
    private final String database;
    private final Map<String, String> params;

    private PgUrl(String hosts, String database, Map<String, String> params) {
        this.hosts = hosts;
        this.database = database;
        this.params = params;
    }

    /**
     * Parses a URI; throws {@link IllegalArgumentException} with a sentence that never contains the password.
     */
    public static PgUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the URL is empty");
        }
        String rest;
        boolean jdbc = false;
        if (url.startsWith("jdbc:postgresql://")) {
            rest = url.substring("jdbc:postgresql://".length());
            jdbc = true;
        } else if (url.startsWith("postgresql://")) {
            rest = url.substring("postgresql://".length());
        } else if (url.startsWith("postgres://")) {
            rest = url.substring("postgres://".length());
        } else {
            throw new IllegalArgumentException(
                    "the URL must start with postgresql:// (a libpq URI) or jdbc:postgresql://");
        }
        Map<String, String> params = new LinkedHashMap<>();
        int query = rest.indexOf('?');
        if (query >= 0) {
            for (String pair : rest.substring(query + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                params.put(jdbc ? key : LIBPQ_TO_JDBC.getOrDefault(key, key), value);
            }
            rest = rest.substring(0, query);
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String database = slash < 0 ? "" : decode(rest.substring(slash + 1));
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            params.put("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                params.put("password", decode(userInfo.substring(colon + 1)));
            }
        }
        if ("read-write".equals(params.get("targetServerType"))) {
            params.put("targetServerType", "primary");
        }
        if (authority.isEmpty()) {
            authority = "localhost";
        }
        if (database.isEmpty()) {
            database = params.getOrDefault("dbname", params.getOrDefault("user", "postgres"));
        }
        params.remove("dbname");
        return new PgUrl(authority, database, params);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The JDBC URL, with no credentials in it. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + hosts + "/" + java.net.URLEncoder.encode(database, StandardCharsets.UTF_8)
                .replace("+", "%20");
    }

    /** Connection properties: user, password, and every URI parameter. */
    public Properties properties() {
        Properties props = new Properties();
        props.putAll(params);
        return props;
    }

    public String user() {
        return params.getOrDefault("user", System.getProperty("user.name"));
    }

    public String database() {
        return database;
    }

    public String hosts() {
        return hosts;
    }

    /** Safe to show: user, host and database, never the password. */
    public String redacted() {
        return "postgresql://" + (params.containsKey("user") ? params.get("user") + "@" : "") + hosts + "/" + database;
    }

    @Override
    public String toString() {
        return redacted();
    }
}

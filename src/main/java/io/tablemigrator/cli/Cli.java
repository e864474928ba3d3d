package io.tablemigrator.cli;

import jakarta.enterprise.context.ApplicationScoped;

/** The command line: migrate, approve, cancel. */
@ApplicationScoped
public class Cli {

    public int run(String command, String... args) {
        System.err.println("usage: migrate -f FILE");
        return 2;
    }
}

package io.tablemigrator.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a standard stream is a terminal; System.console() answers for stdin and stdout together, which is not enough. */
final class Terminal {
    private Terminal() {
    }

    static final int STDIN = 0;
    static final int STDERR = 2;

    /** Linux tells where a file descriptor goes; elsewhere, assume no terminal. */
    static boolean isTerminal(int fd) {
        if (System.getenv("TERM") == null || "dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return false;
        }
    }
}

package io.tablemigrator.worker;

import jakarta.enterprise.context.ApplicationScoped;

/** Worker mode: runs one migration's engine inside the Job the operator launched. */
@ApplicationScoped
public class WorkerMain {

    public int run(String... args) {
        throw new UnsupportedOperationException("worker: not built yet");
    }
}

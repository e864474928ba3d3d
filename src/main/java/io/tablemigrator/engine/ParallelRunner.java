package io.tablemigrator.engine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks on a fixed number of threads (spec.copy.parallelism), where a task may add more tasks (a table whose
 * copy is done adds its index builds). The first failure stops the rest: {@link #failed()} turns true for the
 * running tasks to notice, no queued task starts, and {@link #awaitAll()} throws that first failure.
 */
public final class ParallelRunner implements AutoCloseable {

    /** A unit of work; may throw anything, which fails the whole run. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    private final ExecutorService executor;
    private final ExecutorCompletionService<Void> completion;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean failed = new AtomicBoolean();

    public ParallelRunner(int threads, String name) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = Executors.newFixedThreadPool(threads, factory);
        completion = new ExecutorCompletionService<>(executor);
    }

    public void submit(Task task) {
        pending.incrementAndGet();
        completion.submit(() -> {
            if (!failed.get()) {
                task.run();
            }
            return null;
        });
    }

    /** True once any task failed: long tasks look at it to give up early. */
    public boolean failed() {
        return failed.get();
    }

    /** Waits for every task, including those added on the way; throws the first failure. */
    public void awaitAll() throws Exception {
        Exception first = null;
        while (pending.get() > 0) {
            Future<Void> done = completion.take();
            pending.decrementAndGet();
            try {
                done.get();
            } catch (ExecutionException e) {
                failed.set(true);
                if (first == null) {
                    first = e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

package io.tablemigrator.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.tablemigrator.api.CutoverPolicy;
import io.tablemigrator.engine.MigrationControl;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.engine.checkpoint.CheckpointStore;
import io.tablemigrator.engine.db.Database;
import sun.misc.Signal;

/**
 * What a person at the terminal tells the engine: Ctrl-C once stops (resumable), twice cancels; a Manual cutover is
 * approved by --approve-cutover, by answering the prompt, or by {@code approve -f FILE} from another terminal; and
 * {@code cancel -f FILE} from another terminal cancels. The last two arrive through the checkpoint on the target,
 * which is read at most every two seconds.
 */
final class CliControl implements MigrationControl, AutoCloseable {
    private static final long POLL_MILLIS = 2_000;
    private static final long SECOND_PRESS_WINDOW_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private final MigrationPlan plan;
    private final java.nio.file.Path manifest;
    private final StatusBoard board;
    private final ProgressView view;
    private final AtomicInteger interrupts = new AtomicInteger();
    private final AtomicBoolean approved;
    private final AtomicBoolean promptShown = new AtomicBoolean();
    private volatile long firstInterruptNanos;
    private volatile boolean remoteCancel;
    private volatile long lastPoll;
    private CheckpointStore checkpoint;

    CliControl(MigrationPlan plan, java.nio.file.Path manifest, boolean approvedInAdvance, StatusBoard board,
               ProgressView view) {
        this.plan = plan;
        this.manifest = manifest;
        this.board = board;
        this.view = view;
        this.approved = new AtomicBoolean(approvedInAdvance || plan.cutoverPolicy() == CutoverPolicy.Automatic);
    }

    /** Ctrl-C (SIGINT) and SIGTERM stop the migration instead of killing the process; a second Ctrl-C cancels. */
    void listenForSignals() {
        Signal.handle(new Signal("INT"), s -> interrupted());
        Signal.handle(new Signal("TERM"), s -> {
            if (interrupts.compareAndSet(0, 1)) {
                firstInterruptNanos = System.nanoTime() - SECOND_PRESS_WINDOW_NANOS;
            }
        });
    }

    private void interrupted() {
        int n = interrupts.incrementAndGet();
        if (n == 1) {
            firstInterruptNanos = System.nanoTime();
        }
        view.note(n == 1 ? "stopping at the next safe point (Ctrl-C again within a second to cancel the migration)"
                : "cancelling: removing the slot, publication, fence and unfinished target tables");
    }

    /**
     * A first Ctrl-C stops once the window for a second press has passed: a double press must cancel even when the
     * engine looks for a stop between the two presses (it does every 100 ms), since a stop keeps the slot.
     */
    @Override
    public boolean stopRequested() {
        int n = interrupts.get();
        return n >= 2 || (n == 1 && System.nanoTime() - firstInterruptNanos >= SECOND_PRESS_WINDOW_NANOS);
    }

    @Override
    public boolean cancelRequested() {
        poll();
        return interrupts.get() >= 2 || remoteCancel;
    }

    /** Asked by the engine only when it is ready to cut over, which is when the prompt makes sense. */
    @Override
    public boolean cutoverApproved() {
        if (approved.get()) {
            return true;
        }
        if (promptShown.compareAndSet(false, true)) {
            startPrompt();
        }
        poll();
        return approved.get();
    }

    /** A line for the progress display while the engine waits for a person. */
    String waitingMessage() {
        if (!promptShown.get() || approved.get()) {
            return null;
        }
        return "Cutover is ready and waits for approval: " + (Terminal.isTerminal(Terminal.STDIN) ? "type yes and Enter here, or " : "")
                + "run: approve -f " + manifest;
    }

    private void startPrompt() {
        if (!Terminal.isTerminal(Terminal.STDIN)) {
            return;
        }
        Thread reader = new Thread(() -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.trim().equalsIgnoreCase("yes")) {
                        approved.set(true);
                        view.note("cutover approved");
                        return;
                    }
                }
            } catch (java.io.IOException ignored) {
                // no terminal to read from: approve -f FILE still works
            }
        }, "approval-prompt");
        reader.setDaemon(true);
        reader.start();
    }

    private synchronized void poll() {
        long now = System.currentTimeMillis();
        if (now - lastPoll < POLL_MILLIS) {
            return;
        }
        lastPoll = now;
        try {
            if (checkpoint == null) {
                checkpoint = CheckpointStore.open(new Database("target", plan.target()), plan.id());
            }
            if (checkpoint.cutoverApproved()) {
                approved.set(true);
            }
            remoteCancel = checkpoint.cancelRequested();
        } catch (RuntimeException e) {
            // the target is unreachable for a moment: the engine itself will report it if it lasts
        }
    }

    @Override
    public void close() {
        if (checkpoint != null) {
            checkpoint.close();
        }
    }
}

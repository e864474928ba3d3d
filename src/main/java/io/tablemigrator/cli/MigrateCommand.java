package io.tablemigrator.cli;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.tablemigrator.api.Phase;
import io.tablemigrator.api.TableMigrationStatus;
import io.tablemigrator.engine.Migration;
import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.MigrationPlan;
import io.tablemigrator.engine.Outcome;
import io.tablemigrator.engine.StatusBoard;

/** {@code migrate -f FILE}: runs the engine in this process, with live progress on stderr and the result on stdout. */
final class MigrateCommand {
    private final MigrationPlan plan;
    private final java.nio.file.Path manifest;
    private final boolean approveCutover;

    MigrateCommand(MigrationPlan plan, java.nio.file.Path manifest, boolean approveCutover) {
        this.plan = plan;
        this.manifest = manifest;
        this.approveCutover = approveCutover;
    }

    int run() {
        StatusBoard board = new StatusBoard(plan.tables());
        String startedAt = StatusBoard.now();
        ProgressView view = ProgressView.forStderr(plan);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon());
        try (CliControl control = new CliControl(plan, manifest, approveCutover, board, view)) {
            control.listenForSignals();
            ticker.scheduleAtFixedRate(() -> {
                try {
                    view.render(board.snapshot(), control.waitingMessage());
                } catch (RuntimeException e) {
                    e.printStackTrace();
                }
            }, 0, view.refreshMillis(), TimeUnit.MILLISECONDS);
            Result result = execute(board, control);
            ticker.shutdownNow();
            awaitQuietly(ticker);
            view.finish(board.snapshot());
            view.stageTimes(board);
            TableMigrationStatus status = board.snapshot();
            status.setPhase(result.phase());
            status.setMessage(result.message());
            status.setStartedAt(startedAt);
            if (result.phase().isTerminal()) {
                status.setCompletedAt(StatusBoard.now());
            }
            if (result.phase() == Phase.Completed) {
                view.validationSummary(status, plan.validation());
            } else {
                System.err.println("tablemigrator: " + result.message());
            }
            System.out.print(StatusYaml.write(status));
            System.out.flush();
            return result.exitCode();
        } finally {
            ticker.shutdownNow();
        }
    }

    private record Result(Phase phase, String message, int exitCode) {
    }

    private Result execute(StatusBoard board, CliControl control) {
        try {
            Outcome outcome = new Migration(plan, control, board).run();
            if (outcome == Outcome.STOPPED && control.cancelRequested()) {
                // Ctrl-C again while the first one was still stopping the run
                Migration.cancel(plan);
                outcome = Outcome.CANCELLED;
            }
            return switch (outcome) {
                case COMPLETED -> new Result(Phase.Completed, "Completed: every table moved and validated"
                        + (plan.mode() == io.tablemigrator.api.MigrationMode.Online ? ", cut over at "
                                + board.cutover().getFenceLsn() + "." : "."), Cli.COMPLETED);
                case STOPPED -> new Result(Phase.Paused, "Stopped at phase " + board.overallPhase()
                        + "; nothing is blocked on the source. Run the same command again to resume.", Cli.INTERRUPTED);
                case CANCELLED -> new Result(Phase.Failed, "Cancelled: the replication slot, publication, fence and "
                        + "unfinished target tables were removed.", Cli.INTERRUPTED);
            };
        } catch (MigrationError e) {
            return new Result(Phase.Failed, e.getMessage(), e.isPermanent() ? Cli.FAILED : Cli.UNUSABLE_INPUT);
        } catch (RuntimeException e) {
            // not a user's mistake: the trace is what a bug report needs
            e.printStackTrace();
            return new Result(Phase.Failed, "Internal error: " + e + ". Run again to resume; if it repeats, "
                    + "report it with the output above.", Cli.FAILED);
        }
    }

    private static void awaitQuietly(ScheduledExecutorService ticker) {
        try {
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon() {
        return r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        };
    }
}

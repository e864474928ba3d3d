package io.tablemigrator.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tablemigrator.api.Phase;
import io.tablemigrator.api.TableMigration;
import io.tablemigrator.api.TableMigrationStatus;
import io.tablemigrator.api.WorkerStatus;
import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.testing.ApiServer;
import io.tablemigrator.testing.KubeFixtures;
import io.tablemigrator.worker.StatusPublisher;
import io.tablemigrator.worker.WorkerArgs;

/** Invariant 5: the operator and the worker write the same status at the same time and neither loses a field. */
class StatusWritersTest {
    static ApiServer server;
    static KubernetesClient client;

    @BeforeAll
    static void startApiServer() {
        server = ApiServer.start();
        client = server.client();
    }

    @AfterAll
    static void stopApiServer() {
        server.close();
    }

    @BeforeEach
    void setUp() {
        KubeFixtures.installCrd(client);
    }

    @Test
    void concurrentWritersKeepEachOthersFields() throws Exception {
        client.resource(KubeFixtures.migration("shop", "shop-move").sourceUrl("postgresql://a/b").targetUrl("postgresql://c/d")
                .table("public", "orders").table("public", "lines").build()).create();
        StatusBoard board = new StatusBoard(List.of(
                new TableMapping(new QualifiedName("public", "orders"), new QualifiedName("public", "orders")),
                new TableMapping(new QualifiedName("public", "lines"), new QualifiedName("public", "lines"))));
        StatusPublisher worker = new StatusPublisher(client, new WorkerArgs("shop", "shop-move"), board);
        StatusWriter operator = new StatusWriter();
        operator.client = client;
        int rounds = 60;

        CompletableFuture<Void> workerWrites = CompletableFuture.runAsync(() -> {
            for (int i = 1; i <= rounds; i++) {
                board.tables().get(0).addCopied(10, 100);
                board.tables().get(1).addCopied(5, 50);
                board.phase(i < rounds ? Phase.Copying : Phase.Indexing);
                worker.publish(false);
            }
        });
        CompletableFuture<Void> operatorWrites = CompletableFuture.runAsync(() -> {
            for (int i = 1; i <= rounds; i++) {
                TableMigration current = client.resources(TableMigration.class).inNamespace("shop").withName("shop-move").get();
                operator.write(current, operatorStatus(i));
            }
        });
        CompletableFuture.allOf(workerWrites, operatorWrites).get();

        TableMigrationStatus s = client.resources(TableMigration.class).inNamespace("shop").withName("shop-move").get().getStatus();
        // the worker's last write is all there
        assertThat(s.getProgress().getRowsCopied()).isEqualTo(rounds * 15L);
        assertThat(s.getTables()).hasSize(2).allSatisfy(t -> assertThat(t.getPhase()).isEqualTo(Phase.Indexing));
        assertThat(s.getTables().get(0).getRowsCopied()).isEqualTo(rounds * 10L);
        // and so is the operator's
        assertThat(s.getMessage()).isEqualTo("operator round " + rounds);
        assertThat(s.getPhase()).isEqualTo(Phase.Copying);
        assertThat(s.getWorker().getAttempts()).isEqualTo(rounds);
        assertThat(s.getConditions()).extracting(Condition::getType).containsExactly("Ready", "Progressing", "Degraded", "CutoverReady");
    }

    @Test
    void eachPatchHoldsOnlyItsWritersFields() {
        StatusBoard board = new StatusBoard(List.of(
                new TableMapping(new QualifiedName("public", "orders"), new QualifiedName("public", "orders"))));
        TableMigrationStatus full = board.snapshot();
        full.setPhase(Phase.Copying);
        full.setMessage("not the worker's");
        String workerPatch = new StatusPublisher(client, new WorkerArgs("shop", "x"), board).patchFor(full);
        assertThat(workerPatch).contains("\"progress\"", "\"tables\"").doesNotContain("\"phase\":\"Copying\"", "\"message\"",
                "\"conditions\"", "\"worker\"");

        TableMigrationStatus mine = operatorStatus(1);
        mine.setTables(full.getTables());
        mine.setProgress(full.getProgress());
        assertThat(StatusWriter.operatorFields(mine)).containsOnlyKeys("phase", "observedGeneration", "conditions", "message",
                "worker");
    }

    static TableMigrationStatus operatorStatus(int round) {
        TableMigrationStatus s = new TableMigrationStatus();
        s.setPhase(Phase.Copying);
        s.setObservedGeneration(1L);
        s.setMessage("operator round " + round);
        List<Condition> conditions = new ArrayList<>();
        for (String type : Conditions.ORDER) {
            conditions.add(Conditions.next(null, type, false, "Round" + round, "round " + round, 1L, "2025-03-01T10:00:00Z"));
        }
        s.setConditions(conditions);
        WorkerStatus w = new WorkerStatus();
        w.setJobName("shop-move-worker");
        w.setAttempts(round);
        s.setWorker(w);
        return s;
    }
}

package io.tablemigrator.engine.copy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.tablemigrator.engine.StatusBoard;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.QualifiedName;

class CopyPlannerTest {

    private static CopyTable table(String name, long blocks) {
        TableMapping mapping = new TableMapping(new QualifiedName("public", name), new QualifiedName("public", name));
        StatusBoard board = new StatusBoard(List.of(mapping));
        return new CopyTable(mapping, new io.tablemigrator.engine.schema.CopyColumns(List.of("id"), List.of("id"), true), blocks,
                board.tables().get(0));
    }

    @Test
    void aLargeTableIsSplitIntoContiguousBlockRangesEndingOpen() {
        CopyTable big = table("big", 100_000);
        List<CopyChunk> chunks = CopyPlanner.plan(List.of(big), 4, true);
        assertThat(chunks).hasSizeGreaterThanOrEqualTo(4);
        List<CopyChunk> ordered = chunks.stream().sorted(java.util.Comparator.comparingLong(CopyChunk::fromBlock)).toList();
        assertThat(ordered.get(0).fromBlock()).isZero();
        for (int i = 1; i < ordered.size(); i++) {
            assertThat(ordered.get(i).fromBlock()).isEqualTo(ordered.get(i - 1).toBlock());
        }
        assertThat(ordered.get(ordered.size() - 1).toBlock()).isEqualTo(-1);
    }

    @Test
    void smallTablesAreCopiedWholeAndBiggestChunksGoFirst() {
        List<CopyChunk> chunks = CopyPlanner.plan(List.of(table("small", 10), table("big", 100_000)), 4, true);
        assertThat(chunks.stream().filter(c -> c.table().mapping().source().name().equals("small")))
                .singleElement().satisfies(c -> assertThat(c.isWholeTable()).isTrue());
        assertThat(chunks.get(chunks.size() - 1).table().mapping().source().name()).isEqualTo("small");
    }

    @Test
    void withoutTidRangeScansOrParallelismNothingIsSplit() {
        assertThat(CopyPlanner.plan(List.of(table("big", 100_000)), 4, false)).singleElement()
                .satisfies(c -> assertThat(c.isWholeTable()).isTrue());
        assertThat(CopyPlanner.plan(List.of(table("big", 100_000)), 1, true)).hasSize(1);
    }

    @Test
    void sqlQuotesEveryName() {
        TableMapping mapping = new TableMapping(new QualifiedName("Sales", "Order \"Items\""),
                new QualifiedName("sales", "order items"));
        CopyTable t = new CopyTable(mapping, new io.tablemigrator.engine.schema.CopyColumns(List.of("Unit Price"), List.of("Unit Price"), false), 5000,
                new StatusBoard(List.of(mapping)).tables().get(0));
        CopyChunk chunk = new CopyChunk(t, 1024, 2048);
        assertThat(chunk.copyOutSql()).isEqualTo("COPY (SELECT \"Unit Price\" FROM \"Sales\".\"Order \"\"Items\"\"\" "
                + "WHERE ctid >= '(1024,0)'::tid AND ctid < '(2048,0)'::tid) TO STDOUT");
        assertThat(chunk.copyInSql()).isEqualTo("COPY \"sales\".\"order items\" (\"Unit Price\") FROM STDIN");
    }
}

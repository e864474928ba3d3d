package io.tablemigrator.engine.schema;

import static io.tablemigrator.engine.schema.SchemaTestSupport.catalog;
import static io.tablemigrator.engine.schema.SchemaTestSupport.indexes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.Database;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.TestDb;

/** What CreatingTables and Indexing do with what they find on the target: earlier work, foreign objects, rows. */
class SchemaTargetStateTest {
    static final QualifiedName ORDERS = new QualifiedName("public", "orders");
    static final QualifiedName LINES = new QualifiedName("public", "lines");
    static final QualifiedName ORDERS_TARGET = new QualifiedName("Archive", "Orders 2");
    static final QualifiedName LINES_TARGET = new QualifiedName("Archive", "lines");
    static final List<TableMapping> MAPPINGS = List.of(new TableMapping(ORDERS, ORDERS_TARGET), new TableMapping(LINES, LINES_TARGET));

    TestDb sourceDb = PgServer.pg14().newDatabase("schema_src");
    TestDb targetDb = PgServer.pg17().newDatabase("schema_tgt");
    Database source = SchemaTestSupport.database("source", sourceDb);
    Database target = SchemaTestSupport.database("target", targetDb);

    void sourceTables() {
        sourceDb.execute("""
                CREATE TABLE orders (id serial PRIMARY KEY, note text UNIQUE);
                CREATE INDEX orders_note_idx ON orders (lower(note));
                CREATE TABLE lines (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                                    order_id integer NOT NULL REFERENCES orders (id), qty integer CHECK (qty > 0));
                INSERT INTO orders (note) VALUES ('a'), ('b');
                INSERT INTO lines (order_id, qty) VALUES (1, 1), (2, 2);
                """);
    }

    @Test
    void aResumedRunFindsItsOwnWorkUnderTheSameNames() throws Exception {
        sourceTables();
        SchemaCreator.Result first = SchemaCreator.createTables(source, target, MAPPINGS, List.of(),
                SchemaCreator.CreatedTablesRecorder.NONE);
        // the first run dies after building some of the indexes
        PostCopyRunner.run(target, List.of(first.plan().postCopyGroups().get(0)), 1);

        // a new process: CreatingTables again finds the tables it created, and creates nothing
        SchemaCreator.Result again = SchemaCreator.createTables(source, target, MAPPINGS, first.created(),
                SchemaCreator.CreatedTablesRecorder.NONE);
        assertThat(again.created()).isEmpty();
        assertThat(again.preExisting()).isEmpty();
        assertThat(again.plan().postCopyGroups()).isEqualTo(first.plan().postCopyGroups());
        assertThat(again.plan().finalizeStatements()).isEqualTo(first.plan().finalizeStatements());
        // and so does a later stage that only loads the plan
        try (Connection s = source.connect(); Connection t = target.connect()) {
            SchemaPlan loaded = SchemaPlanLoader.load(s, t, MAPPINGS, first.created());
            assertThat(loaded.postCopyGroups()).isEqualTo(first.plan().postCopyGroups());
            assertThat(CopyColumns.of(loaded.table(LINES_TARGET).orElseThrow(), t).targetColumns())
                    .containsExactly("id", "order_id", "qty");
        }

        PostCopyRunner.run(target, again.plan().postCopyGroups(), 2);
        assertThat(indexes(targetDb, ORDERS_TARGET)).extracting(r -> r.get(0))
                .containsExactly("Orders 2_note_idx", "Orders 2_note_key", "Orders 2_pkey");
        assertThat(catalog(targetDb, "SELECT conname FROM pg_catalog.pg_constraint WHERE conrelid = "
                + LINES_TARGET.regclass() + " ORDER BY conname")).extracting(r -> r.get(0))
                .containsExactly("lines_order_id_fkey", "lines_pkey", "lines_qty_check");
    }

    @Test
    void namesAlreadyUsedOnTheTargetAreNotReused() {
        sourceTables();
        targetDb.execute("CREATE SCHEMA \"Archive\"; CREATE TABLE \"Archive\".\"Orders 2_pkey\" (x int);"
                + " CREATE SEQUENCE \"Archive\".\"Orders 2_id_seq\"");
        SchemaCreator.Result result = SchemaCreator.createTables(source, target, MAPPINGS, List.of(),
                SchemaCreator.CreatedTablesRecorder.NONE);
        PostCopyRunner.run(target, result.plan().postCopyGroups(), 2);
        PostCopyRunner.run(target, result.plan().postCopyGroups(), 2);
        assertThat(indexes(targetDb, ORDERS_TARGET)).extracting(r -> r.get(0)).contains("Orders 2_pkey1");
        assertThat(catalog(targetDb, "SELECT pg_catalog.pg_get_serial_sequence('\"Archive\".\"Orders 2\"', 'id')"))
                .containsExactly(List.of("\"Archive\".\"Orders 2_id_seq1\""));
    }

    @Test
    void anEmptyPreCreatedTableIsUsedAsItIs() throws Exception {
        sourceTables();
        targetDb.execute("CREATE SCHEMA \"Archive\"; CREATE TABLE \"Archive\".\"Orders 2\" (note text, id integer NOT NULL,"
                + " added text NOT NULL DEFAULT 'x'); CREATE INDEX mine ON \"Archive\".\"Orders 2\" (id)");
        SchemaCreator.Result result = SchemaCreator.createTables(source, target, MAPPINGS, List.of(),
                SchemaCreator.CreatedTablesRecorder.NONE);
        assertThat(result.created()).containsExactly(LINES_TARGET);
        assertThat(result.preExisting()).containsExactly(ORDERS_TARGET);
        assertThat(result.plan().postCopyGroups().stream().flatMap(List::stream))
                .allSatisfy(step -> assertThat(step.table()).isEqualTo(LINES_TARGET));

        TargetTableState state;
        try (Connection t = target.connect()) {
            state = TargetTables.inspect(t, ORDERS_TARGET);
            assertThat(TargetTables.inspect(t, new QualifiedName("Archive", "nothing")).exists()).isFalse();
        }
        assertThat(state.exists()).isTrue();
        assertThat(state.empty()).isTrue();
        assertThat(state.columns()).extracting(TargetTableState.TargetColumn::name).containsExactly("note", "id", "added");
        CopyColumns columns;
        try (Connection t = target.connect()) {
            columns = CopyColumns.of(result.plan().table(ORDERS_TARGET).orElseThrow(), t);
        }
        assertThat(columns.targetColumns()).containsExactly("id", "note");
        SchemaTestSupport.copy(source, target, ORDERS, ORDERS_TARGET, columns);
        assertThat(targetDb.rowsOf(ORDERS_TARGET.quoted())).containsExactly("(a,1,x)", "(b,2,x)");
        // without the unique key the migration did not create on a table it does not own, the FK cannot exist
        assertThatThrownBy(() -> PostCopyRunner.run(target, result.plan().postCopyGroups(), 2))
                .isInstanceOfSatisfying(MigrationError.class, e -> assertThat(e.reason()).isEqualTo("IndexingFailed"))
                .hasMessageContaining("foreign key lines_order_id_fkey");
        assertThat(indexes(targetDb, ORDERS_TARGET)).extracting(r -> r.get(0)).containsExactly("mine");
    }

    @Test
    void aPreCreatedTableWithRowsIsRefusedBeforeAnythingIsCreated() {
        sourceTables();
        targetDb.execute("CREATE SCHEMA \"Archive\"; CREATE TABLE \"Archive\".lines (id bigint, order_id int, qty int);"
                + " INSERT INTO \"Archive\".lines VALUES (1, 1, 1)");
        assertThatThrownBy(() -> SchemaCreator.createTables(source, target, MAPPINGS, List.of(),
                SchemaCreator.CreatedTablesRecorder.NONE))
                .isInstanceOfSatisfying(MigrationError.class, e -> assertThat(e.reason()).isEqualTo("TargetTableNotEmpty"))
                .hasMessageContaining("\"Archive\".lines");
        assertThat(targetDb.queryValue("SELECT to_regclass('\"Archive\".\"Orders 2\"')")).isNull();
    }

    @Test
    void creatingTablesIsAllOrNothing() {
        sourceDb.execute("""
                CREATE TABLE orders (id integer);
                CREATE FUNCTION public.next_code() RETURNS text LANGUAGE sql AS 'SELECT ''x''';
                CREATE TABLE lines (code text DEFAULT public.next_code());
                """);
        List<QualifiedName> recorded = new java.util.ArrayList<>();
        assertThatThrownBy(() -> SchemaCreator.createTables(source, target, MAPPINGS, List.of(),
                (transaction, created) -> recorded.addAll(created)))
                .isInstanceOfSatisfying(MigrationError.class, e -> assertThat(e.reason()).isEqualTo("TableCreationFailed"))
                .hasMessageContaining("public.next_code()");
        assertThat(recorded).isEmpty();
        assertThat(targetDb.queryValue("SELECT to_regnamespace('\"Archive\"')")).isNull();
    }

    @Test
    void longNamesFitAndIndexingCanRunAgain() {
        String sourceName = "ü".repeat(29) + "_tab"; // 62 bytes
        String targetName = "ö".repeat(31);         // 62 bytes
        QualifiedName from = new QualifiedName("public", sourceName);
        QualifiedName to = new QualifiedName("Neu", targetName);
        sourceDb.execute("CREATE TABLE " + from.quoted() + " (id bigserial PRIMARY KEY, \"a very long column name that is long\" int UNIQUE,"
                + " b int CHECK (b > 0), ref bigint REFERENCES " + from.quoted() + " (id))");
        sourceDb.execute("CREATE INDEX ON " + from.quoted() + " (b, \"a very long column name that is long\")");
        List<TableMapping> mappings = List.of(new TableMapping(from, to));
        SchemaCreator.Result result = SchemaCreator.createTables(source, target, mappings, List.of(),
                SchemaCreator.CreatedTablesRecorder.NONE);
        PostCopyRunner.run(target, result.plan().postCopyGroups(), 2);
        PostCopyRunner.run(target, result.plan().postCopyGroups(), 2);
        List<String> names = catalog(targetDb, "SELECT relname FROM pg_catalog.pg_class WHERE relnamespace = '\"Neu\"'::regnamespace"
                + " UNION ALL SELECT conname FROM pg_catalog.pg_constraint WHERE conrelid = " + to.regclass())
                .stream().map(r -> r.get(0)).toList();
        assertThat(names).hasSize(1 + 1 + 2 + 1 + 4); // table, sequence, pkey and unique indexes, plain index, 4 constraints
        assertThat(names).allSatisfy(n -> assertThat(ObjectNames.bytes(n)).isLessThanOrEqualTo(63));
        assertThat(names).anySatisfy(n -> assertThat(n).endsWith("_pkey").startsWith("ö"));
        assertThat(names).anySatisfy(n -> assertThat(n).endsWith("_id_seq").startsWith("ö"));
    }
}

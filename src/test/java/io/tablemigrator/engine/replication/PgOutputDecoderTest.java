package io.tablemigrator.engine.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postgresql.replication.LogSequenceNumber;

import io.tablemigrator.engine.replication.PgOutputMessage.Begin;
import io.tablemigrator.engine.replication.PgOutputMessage.Column;
import io.tablemigrator.engine.replication.PgOutputMessage.Commit;
import io.tablemigrator.engine.replication.PgOutputMessage.Delete;
import io.tablemigrator.engine.replication.PgOutputMessage.Insert;
import io.tablemigrator.engine.replication.PgOutputMessage.Message;
import io.tablemigrator.engine.replication.PgOutputMessage.Origin;
import io.tablemigrator.engine.replication.PgOutputMessage.Relation;
import io.tablemigrator.engine.replication.PgOutputMessage.StreamAbort;
import io.tablemigrator.engine.replication.PgOutputMessage.StreamCommit;
import io.tablemigrator.engine.replication.PgOutputMessage.StreamStart;
import io.tablemigrator.engine.replication.PgOutputMessage.StreamStop;
import io.tablemigrator.engine.replication.PgOutputMessage.Truncate;
import io.tablemigrator.engine.replication.PgOutputMessage.Type;
import io.tablemigrator.engine.replication.PgOutputMessage.Update;
import io.tablemigrator.testing.PgServer;
import io.tablemigrator.testing.TestDb;

/** Bytes laid out as "Logical Replication Message Formats" documents them, then bytes from a real server. */
class PgOutputDecoderTest {
    private static final Instant TIME = Instant.parse("2024-05-06T07:08:09.123456Z");
    /** TIME in PostgreSQL's microseconds since 2000-01-01. */
    private static final long PG_TIME = (TIME.getEpochSecond() - 946_684_800L) * 1_000_000L + 123_456L;

    /** Writes big-endian fields as the protocol does. */
    private static final class Bytes {
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(buffer);

        Bytes b(int v) throws IOException { out.writeByte(v); return this; }
        Bytes i16(int v) throws IOException { out.writeShort(v); return this; }
        Bytes i32(int v) throws IOException { out.writeInt(v); return this; }
        Bytes i64(long v) throws IOException { out.writeLong(v); return this; }
        Bytes s(String v) throws IOException { out.write(v.getBytes(StandardCharsets.UTF_8)); out.writeByte(0); return this; }
        Bytes text(String v) throws IOException {
            byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
            out.writeByte('t');
            out.writeInt(bytes.length);
            out.write(bytes);
            return this;
        }
        ByteBuffer buffer() { return ByteBuffer.wrap(buffer.toByteArray()); }
    }

    private static PgOutputMessage decode(Bytes bytes, boolean inStream) {
        ByteBuffer buffer = bytes.buffer();
        PgOutputMessage message = PgOutputDecoder.decode(buffer, inStream);
        assertThat(buffer.remaining()).as("bytes left after decoding").isZero();
        return message;
    }

    @Test
    void transactionFrame() throws IOException {
        assertThat(decode(new Bytes().b('B').i64(0x16B3748L).i64(PG_TIME).i32(731), false))
                .isEqualTo(new Begin(LogSequenceNumber.valueOf(0x16B3748L), TIME, 731));
        assertThat(decode(new Bytes().b('C').b(0).i64(0x100L).i64(0x130L).i64(PG_TIME), false))
                .isEqualTo(new Commit((byte) 0, LogSequenceNumber.valueOf(0x100L), LogSequenceNumber.valueOf(0x130L), TIME));
        assertThat(decode(new Bytes().b('O').i64(0x55L).s("node1"), false))
                .isEqualTo(new Origin(LogSequenceNumber.valueOf(0x55L), "node1"));
    }

    @Test
    void relationAndTypeWithAndWithoutStreamXid() throws IOException {
        Relation expected = new Relation(0, 16385, "My Schema", "Odd \"Name\"", 'f',
                List.of(new Column(true, "id", 23, -1), new Column(false, "Some Col", 1043, 24)));
        Bytes relation = new Bytes().b('R').i32(16385).s("My Schema").s("Odd \"Name\"").b('f').i16(2)
                .b(1).s("id").i32(23).i32(-1).b(0).s("Some Col").i32(1043).i32(24);
        assertThat(decode(relation, false)).isEqualTo(expected);
        assertThat(((Relation) decode(relation, false)).identityFull()).isTrue();

        Bytes streamed = new Bytes().b('R').i32(900).i32(16385).s("My Schema").s("Odd \"Name\"").b('f').i16(2)
                .b(1).s("id").i32(23).i32(-1).b(0).s("Some Col").i32(1043).i32(24);
        assertThat(((Relation) decode(streamed, true)).xid()).isEqualTo(900);

        assertThat(decode(new Bytes().b('Y').i32(16400).s("public").s("mood"), false))
                .isEqualTo(new Type(0, 16400, "public", "mood"));
    }

    @Test
    void rowChangesWithEveryKindOfColumnValue() throws IOException {
        Insert insert = (Insert) decode(new Bytes().b('I').i32(16385).b('N').i16(4)
                .text("1").b('n').b('u').text("é ünïcode"), false);
        assertThat(insert.relationOid()).isEqualTo(16385);
        TupleData row = insert.newTuple();
        assertThat(row.columnCount()).isEqualTo(4);
        assertThat(row.text(0)).isEqualTo("1");
        assertThat(row.isNull(1)).isTrue();
        assertThat(row.isUnchangedToast(2)).isTrue();
        assertThat(row.text(2)).isNull();
        assertThat(row.text(3)).isEqualTo("é ünïcode");

        Update withKey = (Update) decode(new Bytes().b('U').i32(7).b('K').i16(2).text("1").b('n')
                .b('N').i16(2).text("2").text("x"), false);
        assertThat(withKey.oldKind()).isEqualTo('K');
        assertThat(withKey.oldTuple()).isEqualTo(TupleData.ofTexts("1", null));
        assertThat(withKey.newTuple()).isEqualTo(TupleData.ofTexts("2", "x"));

        Update withOldRow = (Update) decode(new Bytes().b('U').i32(7).b('O').i16(1).text("a")
                .b('N').i16(1).text("b"), false);
        assertThat(withOldRow.oldKind()).isEqualTo('O');

        Update withoutOld = (Update) decode(new Bytes().b('U').i32(99).i32(7).b('N').i16(1).text("b"), true);
        assertThat(withoutOld.oldKind()).isEqualTo((char) 0);
        assertThat(withoutOld.oldTuple()).isNull();
        assertThat(withoutOld.xid()).isEqualTo(99);

        Delete delete = (Delete) decode(new Bytes().b('D').i32(7).b('O').i16(1).text("a"), false);
        assertThat(delete.oldKind()).isEqualTo('O');
        assertThat(delete.oldTuple()).isEqualTo(TupleData.ofTexts("a"));

        Insert binary = (Insert) decode(new Bytes().b('I').i32(7).b('N').i16(1).b('b').i32(2).b(0xCA).b(0xFE), false);
        assertThat(binary.newTuple().kind(0)).isEqualTo(TupleData.BINARY);
        assertThat(binary.newTuple().binary(0)).containsExactly(0xCA, 0xFE);
    }

    @Test
    void truncateFlagsAndMessages() throws IOException {
        assertThat(decode(new Bytes().b('T').i32(2).b(3).i32(10).i32(11), false))
                .isEqualTo(new Truncate(0, true, true, List.of(10, 11)));
        assertThat(decode(new Bytes().b('T').i32(1).b(0).i32(10), false))
                .isEqualTo(new Truncate(0, false, false, List.of(10)));

        Message message = (Message) decode(new Bytes().b('M').b(0).i64(0x2000L).s("tablemigrator").i32(5)
                .b('f').b('e').b('n').b('c').b('e'), false);
        assertThat(message.transactional()).isFalse();
        assertThat(message.lsn()).isEqualTo(LogSequenceNumber.valueOf(0x2000L));
        assertThat(message.prefix()).isEqualTo("tablemigrator");
        assertThat(new String(message.content(), StandardCharsets.UTF_8)).isEqualTo("fence");

        Message inStream = (Message) decode(new Bytes().b('M').i32(42).b(1).i64(0x1L).s("p").i32(0), true);
        assertThat(inStream.xid()).isEqualTo(42);
        assertThat(inStream.transactional()).isTrue();
    }

    @Test
    void streamingMessages() throws IOException {
        assertThat(decode(new Bytes().b('S').i32(1234).b(1), false)).isEqualTo(new StreamStart(1234, true));
        assertThat(decode(new Bytes().b('S').i32(1234).b(0), false)).isEqualTo(new StreamStart(1234, false));
        assertThat(decode(new Bytes().b('E'), false)).isEqualTo(new StreamStop());
        assertThat(decode(new Bytes().b('c').i32(1234).b(0).i64(0x500L).i64(0x530L).i64(PG_TIME), false))
                .isEqualTo(new StreamCommit(1234, (byte) 0, LogSequenceNumber.valueOf(0x500L),
                        LogSequenceNumber.valueOf(0x530L), TIME));
        StreamAbort whole = (StreamAbort) decode(new Bytes().b('A').i32(1234).i32(1234), false);
        assertThat(whole.wholeTransaction()).isTrue();
        StreamAbort sub = (StreamAbort) decode(new Bytes().b('A').i32(1234).i32(1240), false);
        assertThat(sub.wholeTransaction()).isFalse();
        assertThat(sub.subXid()).isEqualTo(1240);
    }

    /** What a real PostgreSQL 14 sends, read through the SQL interface of the same plugin. */
    @Test
    void decodesWhatTheServerSends() throws Exception {
        TestDb db = PgServer.pg14().newDatabase("decoder");
        db.execute("CREATE TABLE t (id int PRIMARY KEY, doc text, j json); ALTER TABLE t ALTER doc SET STORAGE EXTERNAL;"
                + "CREATE TABLE f (a int, b text); ALTER TABLE f REPLICA IDENTITY FULL;"
                + "CREATE PUBLICATION p FOR TABLE t, f");
        db.execute("SELECT pg_create_logical_replication_slot('decoder_slot', 'pgoutput')");
        try {
            for (String sql : List.of("INSERT INTO t VALUES (1, repeat('x', 5000), '{\"a\": 1}')",
                    "UPDATE t SET j = '[]' WHERE id = 1", "UPDATE t SET id = 2 WHERE id = 1",
                    "INSERT INTO f VALUES (1, NULL)", "UPDATE f SET b = 'b'", "DELETE FROM f", "TRUNCATE f",
                    "SELECT pg_logical_emit_message(false, 'tablemigrator', 'fence')")) {
                db.execute(sql);
            }
            // a non-transactional message is not flushed by itself, and decoding stops at the flushed WAL:
            // a synchronous commit that wrote WAL flushes it
            db.execute("SET synchronous_commit = on; SELECT pg_logical_emit_message(true, 'other', 'flush')");
            List<PgOutputMessage> messages = new ArrayList<>();
            try (Connection c = db.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT data FROM pg_logical_slot_get_binary_changes('decoder_slot',"
                         + " NULL, NULL, 'proto_version', '2', 'publication_names', 'p', 'messages', 'true')")) {
                while (rs.next()) {
                    messages.add(PgOutputDecoder.decode(ByteBuffer.wrap(rs.getBytes(1)), false));
                }
            }
            List<String> kinds = messages.stream().map(m -> m.getClass().getSimpleName()).toList();
            assertThat(kinds).containsSubsequence("Begin", "Relation", "Insert", "Commit", "Begin", "Update", "Commit",
                    "Begin", "Update", "Commit", "Begin", "Relation", "Insert", "Commit", "Begin", "Update", "Commit",
                    "Begin", "Delete", "Commit", "Begin", "Truncate", "Commit", "Message");

            List<Update> updates = messages.stream().filter(Update.class::isInstance).map(Update.class::cast).toList();
            // the json change leaves the TOASTed doc out ('u'); the key change sends the old key ('K')
            assertThat(updates.get(0).oldKind()).isEqualTo((char) 0);
            assertThat(updates.get(0).newTuple().isUnchangedToast(1)).isTrue();
            assertThat(updates.get(0).newTuple().text(2)).isEqualTo("[]");
            assertThat(updates.get(1).oldKind()).isEqualTo('K');
            assertThat(updates.get(1).oldTuple().text(0)).isEqualTo("1");
            assertThat(updates.get(2).oldKind()).isEqualTo('O');
            assertThat(updates.get(2).oldTuple().isNull(1)).isTrue();

            Relation f = messages.stream().filter(Relation.class::isInstance).map(Relation.class::cast)
                    .filter(r -> r.name().equals("f")).findFirst().orElseThrow();
            assertThat(f.identityFull()).isTrue();
            assertThat(f.columns()).extracting(Column::name).containsExactly("a", "b");

            Message fence = messages.stream().filter(Message.class::isInstance).map(Message.class::cast)
                    .findFirst().orElseThrow();
            assertThat(fence.prefix()).isEqualTo("tablemigrator");
            assertThat(fence.transactional()).isFalse();
            Commit truncateCommit = (Commit) messages.get(kinds.indexOf("Message") - 1);
            assertThat(fence.lsn().asLong()).isGreaterThan(truncateCommit.endLsn().asLong());
        } finally {
            db.execute("SELECT pg_drop_replication_slot('decoder_slot')");
        }
    }
}

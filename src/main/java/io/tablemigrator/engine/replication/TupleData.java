package io.tablemigrator.engine.replication;

import java.util.Arrays;

/**
 * The column values of one row as pgoutput sends them: per column a kind and, for 't', the value's text form.
 * Kept as two arrays rather than one object per value: the applier reads millions of these.
 */
public final class TupleData {
    /** SQL NULL. */
    public static final byte NULL = 'n';
    /** A TOASTed value the change did not touch: the server does not send it, the target must keep its own. */
    public static final byte UNCHANGED_TOAST = 'u';
    /** A value in its text form. */
    public static final byte TEXT = 't';
    /** A value in its binary form (only if binary transfer is asked for, which this engine never does). */
    public static final byte BINARY = 'b';

    private final byte[] kinds;
    private final String[] texts;
    private final byte[][] binaries;
    private final long size;

    public TupleData(byte[] kinds, String[] texts) {
        this(kinds, texts, null);
    }

    /** @param binaries the values of 'b' columns (null when there are none) */
    public TupleData(byte[] kinds, String[] texts, byte[][] binaries) {
        this.kinds = kinds;
        this.texts = texts;
        this.binaries = binaries;
        long bytes = 16L * kinds.length;
        for (String t : texts) {
            if (t != null) {
                bytes += t.length();
            }
        }
        this.size = bytes;
    }

    /** Builds a tuple from text values (null for SQL NULL); for tests and hand-made changes. */
    public static TupleData ofTexts(String... values) {
        byte[] kinds = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            kinds[i] = values[i] == null ? NULL : TEXT;
        }
        return new TupleData(kinds, values.clone());
    }

    public int columnCount() {
        return kinds.length;
    }

    public byte kind(int column) {
        return kinds[column];
    }

    public boolean isNull(int column) {
        return kinds[column] == NULL;
    }

    public boolean isUnchangedToast(int column) {
        return kinds[column] == UNCHANGED_TOAST;
    }

    /** The text form, or null for NULL and unchanged TOAST. */
    public String text(int column) {
        return texts[column];
    }

    /** The binary form of a 'b' column (the type's send function output). */
    public byte[] binary(int column) {
        return binaries == null ? null : binaries[column];
    }

    /** Roughly the memory the values take: bounds what a batch holds before it is sent. */
    public long approximateBytes() {
        return size;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TupleData t && Arrays.equals(kinds, t.kinds) && Arrays.equals(texts, t.texts);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(kinds) + Arrays.hashCode(texts);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < kinds.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            switch (kinds[i]) {
                case NULL -> sb.append("NULL");
                case UNCHANGED_TOAST -> sb.append("<unchanged>");
                default -> {
                    String t = texts[i];
                    sb.append(t.length() > 40 ? t.substring(0, 40) + "..." : t);
                }
            }
        }
        return sb.append(')').toString();
    }
}

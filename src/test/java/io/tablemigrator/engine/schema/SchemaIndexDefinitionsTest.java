package io.tablemigrator.engine.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.tablemigrator.engine.db.QualifiedName;

class SchemaIndexDefinitionsTest {
    static final QualifiedName TARGET = new QualifiedName("Archive", "Order \"Items\" 2024");

    @Test
    void onlyTheHeadIsRewritten() {
        SourceIndex index = new SourceIndex("items_idx", "items_idx",
                "CREATE INDEX items_idx ON public.items USING btree (items, lower(note)) INCLUDE (qty) WHERE (items > 0)",
                false, true);
        assertThat(IndexDefinitions.forTarget(index, "public.items", "new idx", TARGET)).isEqualTo(
                "CREATE INDEX \"new idx\" ON \"Archive\".\"Order \"\"Items\"\" 2024\" USING btree (items, lower(note))"
                        + " INCLUDE (qty) WHERE (items > 0)");
    }

    @Test
    void uniqueAndOnlyAreKept() {
        SourceIndex index = new SourceIndex("u", "u", "CREATE UNIQUE INDEX u ON ONLY public.t USING btree (a DESC NULLS LAST)",
                true, true);
        assertThat(IndexDefinitions.forTarget(index, "public.t", "u2", new QualifiedName("s", "t2")))
                .isEqualTo("CREATE UNIQUE INDEX \"u2\" ON ONLY \"s\".\"t2\" USING btree (a DESC NULLS LAST)");
    }

    @Test
    void anIndexNameThatLooksLikeTheHeadIsNotMistakenForIt() {
        String printedName = "\"x ON public.t USING y\"";
        SourceIndex index = new SourceIndex("x ON public.t USING y", printedName,
                "CREATE INDEX " + printedName + " ON \"Sales\".\"Orders\" USING gin (data jsonb_path_ops)", false, true);
        assertThat(IndexDefinitions.forTarget(index, "\"Sales\".\"Orders\"", "i", new QualifiedName("s", "t")))
                .isEqualTo("CREATE INDEX \"i\" ON \"s\".\"t\" USING gin (data jsonb_path_ops)");
    }

    @Test
    void anUnexpectedDefinitionIsAnErrorNotAGuess() {
        SourceIndex index = new SourceIndex("i", "i", "CREATE INDEX i ON public.other USING btree (a)", false, true);
        assertThatThrownBy(() -> IndexDefinitions.forTarget(index, "public.t", "i", TARGET))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("index i");
    }
}

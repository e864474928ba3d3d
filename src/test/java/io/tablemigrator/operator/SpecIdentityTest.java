package io.tablemigrator.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.tablemigrator.api.DatabaseSpec;
import io.tablemigrator.api.TableMigrationSpec;
import io.tablemigrator.testing.KubeFixtures;

class SpecIdentityTest {
    static TableMigrationSpec spec() {
        return KubeFixtures.migration("shop", "m").sourceSecret("s", "url").targetSecret("t", "url").table("Sales", "Order Items")
                .build().getSpec();
    }

    @Test
    void onlyWhatNamesTheMigrationCounts() {
        String recorded = SpecIdentity.of(spec());
        TableMigrationSpec changed = spec();
        changed.setSuspend(true);
        changed.getCutover().setApproved(true);
        changed.getCopy().setParallelism(8);
        assertThat(SpecIdentity.changedFields(recorded, changed)).isEmpty();

        changed.setTarget(DatabaseSpec.ofSecret("t", "other"));
        changed.getTables().get(0).setTargetName("order_items");
        changed.setTargetSuffix("_v2");
        assertThat(SpecIdentity.changedFields(recorded, changed)).containsExactly("spec.target", "spec.tables", "spec.targetSuffix");
        assertThat(SpecIdentity.refusal(SpecIdentity.changedFields(recorded, changed)))
                .startsWith("spec.target, spec.tables, spec.targetSuffix were changed after the migration started");
    }

    @Test
    void anUnreadableRecordingIsIgnored() {
        assertThat(SpecIdentity.changedFields("not json", spec())).isEmpty();
        assertThat(SpecIdentity.changedFields(null, spec())).isEmpty();
    }

    @Test
    void anInlinePasswordIsNotCopiedIntoTheAnnotation() {
        TableMigrationSpec spec = spec();
        spec.setSource(DatabaseSpec.ofUrl("postgresql://app:hunter2@db/shop"));
        String recorded = SpecIdentity.of(spec);
        assertThat(recorded).doesNotContain("hunter2").doesNotContain("postgresql");
        TableMigrationSpec other = spec();
        other.setSource(DatabaseSpec.ofUrl("postgresql://app:hunter3@db/shop"));
        assertThat(SpecIdentity.changedFields(recorded, other)).containsExactly("spec.source");
    }
}

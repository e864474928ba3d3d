package io.tablemigrator.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/** deploy/argocd/health.lua, run the way Argo CD runs it (a global obj), against sample TableMigrations. */
class ArgoHealthCheckTest {
    static final Path SCRIPT = Path.of("deploy", "argocd", "health.lua");
    static final Path CM_PATCH = Path.of("deploy", "argocd", "argocd-cm-patch.yaml");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    record Health(String status, String message) {
    }

    static Health health(String yaml) throws IOException {
        Globals globals = JsePlatform.standardGlobals();
        globals.set("obj", lua(YAML.readTree(yaml)));
        LuaValue result = globals.load(Files.readString(SCRIPT), "health.lua").call();
        return new Health(result.get("status").tojstring(), result.get("message").isnil() ? null : result.get("message").tojstring());
    }

    static LuaValue lua(JsonNode node) {
        if (node == null || node.isNull()) {
            return LuaValue.NIL;
        }
        if (node.isObject()) {
            LuaTable t = new LuaTable();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                var e = it.next();
                t.set(e.getKey(), lua(e.getValue()));
            }
            return t;
        }
        if (node.isArray()) {
            LuaTable t = new LuaTable();
            for (int i = 0; i < node.size(); i++) {
                t.set(i + 1, lua(node.get(i)));
            }
            return t;
        }
        if (node.isBoolean()) {
            return LuaValue.valueOf(node.booleanValue());
        }
        if (node.isIntegralNumber()) {
            return LuaValue.valueOf(node.longValue());
        }
        if (node.isNumber()) {
            return LuaValue.valueOf(node.doubleValue());
        }
        return LuaValue.valueOf(node.asText());
    }

    static String migration(String spec, String status) {
        return "apiVersion: tablemigrator.io/v1alpha1\nkind: TableMigration\nmetadata: {name: shop-move, generation: 2}\n"
                + "spec: " + spec + "\nstatus: " + status + "\n";
    }

    @Test
    void completedIsHealthy() throws IOException {
        Health h = health(migration("{}", "{phase: Completed, observedGeneration: 2, message: 'Completed: moved 1 table.'}"));
        assertThat(h).isEqualTo(new Health("Healthy", "Completed: moved 1 table."));
    }

    @Test
    void failedIsDegraded() throws IOException {
        Health h = health(migration("{}", "{phase: Failed, observedGeneration: 2, message: 'Failed: ChecksumMismatch: differs.'}"));
        assertThat(h).isEqualTo(new Health("Degraded", "Failed: ChecksumMismatch: differs."));
    }

    @Test
    void pausedIsSuspended() throws IOException {
        Health h = health(migration("{suspend: true}", "{phase: Paused, observedGeneration: 2, message: 'Paused (spec.suspend: true)'}"));
        assertThat(h.status()).isEqualTo("Suspended");
        assertThat(h.message()).isEqualTo("Paused (spec.suspend: true)");
    }

    @Test
    void aManualCutoverWaitingForApprovalIsSuspendedAndSaysSo() throws IOException {
        String waiting = "{phase: Replicating, observedGeneration: 2, message: 'Replicating changes (lag 10 B)',"
                + " conditions: [{type: CutoverReady, status: 'True'}]}";
        Health h = health(migration("{cutover: {policy: Manual, approved: false}}", waiting));
        assertThat(h.status()).isEqualTo("Suspended");
        assertThat(h.message()).startsWith("Waiting for approval: set spec.cutover.approved: true")
                .contains("Replicating changes");

        Health fromOperator = health(migration("{cutover: {policy: Manual}}", "{phase: Replicating, observedGeneration: 2,"
                + " message: 'Waiting for approval: set spec.cutover.approved: true (kubectl patch ...)',"
                + " conditions: [{type: CutoverReady, status: 'True'}]}"));
        assertThat(fromOperator.message()).isEqualTo("Waiting for approval: set spec.cutover.approved: true (kubectl patch ...)");

        // approved, lag still too high, or Automatic: the migration is moving on by itself
        assertThat(health(migration("{cutover: {policy: Manual, approved: true}}", waiting)).status()).isEqualTo("Progressing");
        assertThat(health(migration("{cutover: {policy: Manual}}", "{phase: Replicating, observedGeneration: 2,"
                + " conditions: [{type: CutoverReady, status: 'False'}]}")).status()).isEqualTo("Progressing");
        assertThat(health(migration("{cutover: {policy: Automatic}}", waiting)).status()).isEqualTo("Progressing");
    }

    @Test
    void everythingElseIsProgressingWithTheOperatorsMessage() throws IOException {
        for (String phase : new String[] {"Pending", "Preparing", "CreatingTables", "Copying", "Indexing", "Replicating",
                "CuttingOver", "Validating", "Finalizing"}) {
            Health h = health(migration("{}", "{phase: " + phase + ", observedGeneration: 2, message: 'now " + phase + "'}"));
            assertThat(h).as(phase).isEqualTo(new Health("Progressing", "now " + phase));
        }
        Health degraded = health(migration("{}", "{phase: Pending, observedGeneration: 2, message: 'Secret shop-source does not exist'}"));
        assertThat(degraded.message()).isEqualTo("Secret shop-source does not exist");
    }

    @Test
    void noStatusOrAnOldGenerationIsProgressing() throws IOException {
        assertThat(health("apiVersion: tablemigrator.io/v1alpha1\nkind: TableMigration\nmetadata: {name: x}\nspec: {}\n").status())
                .isEqualTo("Progressing");
        Health stale = health(migration("{}", "{phase: Completed, observedGeneration: 1, message: done}"));
        assertThat(stale.status()).isEqualTo("Progressing");
        assertThat(stale.message()).contains("latest spec");
    }

    @Test
    void theArgoCdConfigMapSnippetInstallsThisVeryScript() throws IOException {
        JsonNode cm = YAML.readTree(Files.readString(CM_PATCH));
        assertThat(cm.path("metadata").path("name").asText()).isEqualTo("argocd-cm");
        String embedded = cm.path("data").path("resource.customizations.health.tablemigrator.io_TableMigration").asText();
        assertThat(embedded).as("%s must embed %s unchanged", CM_PATCH, SCRIPT).isEqualTo(Files.readString(SCRIPT));
    }
}

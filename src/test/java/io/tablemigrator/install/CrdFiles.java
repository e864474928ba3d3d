package io.tablemigrator.install;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.databind.node.TextNode;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.tablemigrator.api.TableMigration;

/**
 * The generated CRD and the places it is committed to: crds/ (read by deploy/ through crds/kustomization.yaml)
 * and the chart's crds/ directory. {@code make crds} rewrites both through {@link CrdIsCurrentTest}.
 */
final class CrdFiles {
    static final String FILE_NAME = "tablemigrations.tablemigrator.io-v1.yml";
    static final Path COMMITTED = Path.of("crds", FILE_NAME);
    static final Path CHART_COPY = Path.of("helm", "tablemigrator", "crds", FILE_NAME);

    /** kubectl shows printer columns in the CRD's order; the generator sorts them by JSON path. */
    static final List<String> COLUMN_ORDER = List.of("Phase", "Progress", "Lag", "Age", "Tables", "Rows", "Message");

    private CrdFiles() {
    }

    /**
     * Two things the annotations cannot say: the printer columns' order (NAME, PHASE, PROGRESS, LAG, AGE; then the
     * wide ones), and an empty-string default (the generator writes {@code @Default("")} as null, which the API
     * server refuses for a non-nullable string).
     */
    private static HasMetadata postProcess(HasMetadata resource) {
        CustomResourceDefinition crd = (CustomResourceDefinition) resource;
        crd.getSpec().getVersions().forEach(version -> {
            version.getAdditionalPrinterColumns().sort(Comparator.comparingInt(
                    (CustomResourceColumnDefinition c) -> COLUMN_ORDER.indexOf(c.getName())));
            JSONSchemaProps spec = version.getSchema().getOpenAPIV3Schema().getProperties().get("spec");
            JSONSchemaProps suffix = spec.getProperties().get("targetSuffix");
            if (suffix != null && (suffix.getDefault() == null || suffix.getDefault().isNull())) {
                suffix.setDefault(TextNode.valueOf(""));
            }
        });
        return crd;
    }

    /** The CRD as the fabric8 generator writes it from the API types today. */
    static String generate() {
        try {
            Path dir = Files.createTempDirectory("crd");
            new CRDGenerator()
                    .customResourceClasses(TableMigration.class)
                    .forCRDVersions("v1")
                    .withParallelGenerationEnabled(false)
                    .withPostProcessor(new CRDPostProcessor() {
                        @Override
                        public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
                            return postProcess(crd);
                        }
                    })
                    .inOutputDir(dir.toFile())
                    .generate();
            String yaml = Files.readString(dir.resolve(FILE_NAME));
            Files.delete(dir.resolve(FILE_NAME));
            Files.delete(dir);
            return yaml;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

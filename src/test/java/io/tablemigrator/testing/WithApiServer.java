package io.tablemigrator.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * A Quarkus test against the {@link ApiServer} (the fabric8 mock in CRUD mode, merging patches as a real API server
 * does), in place of quarkus-test-kubernetes-client's {@code @WithKubernetesTestServer}, whose mock appends to
 * lists on a merge patch.
 */
@QuarkusTestResource(value = ApiServerTestResource.class, restrictToAnnotatedClass = true)
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface WithApiServer {
}

package io.tablemigrator.api;

import io.fabric8.generator.annotation.Required;

/** A key of a Secret in the migration's namespace. */
public record SecretKeyRef(@Required String name, @Required String key) {
}

package io.tablemigrator.api;

/** What a migration carries with its tables besides columns, keys and indexes; each can be left out (spec.schema.skip). */
public enum SchemaObjectKind {
    Triggers, Functions, Comments, Grants, Policies, Ownership
}

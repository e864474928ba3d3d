package io.tablemigrator.engine.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import io.tablemigrator.engine.MigrationError;
import io.tablemigrator.engine.TableMapping;
import io.tablemigrator.engine.db.QualifiedName;
import io.tablemigrator.engine.db.Sql;

/**
 * Turns source definitions, the table mapping and the state of the target into a {@link SchemaPlan}. A pure
 * function: the same inputs give the same names and statements, which is what lets a resumed run find the
 * objects an earlier run created.
 */
public final class SchemaPlanner {
    private SchemaPlanner() {
    }

    /**
     * @param definitions one per mapping (any order)
     * @throws MigrationError TargetTypeMissing or TargetTypeConflict when a type the tables need cannot be had
     */
    public static SchemaPlan plan(List<TableDefinition> definitions, List<TableMapping> mappings, TargetCatalog target) {
        Map<QualifiedName, TableDefinition> bySource = new HashMap<>();
        definitions.forEach(d -> bySource.put(d.name(), d));
        Map<QualifiedName, QualifiedName> targetOf = new HashMap<>();
        mappings.forEach(m -> targetOf.put(m.source(), m.target()));

        NameRegistry names = new NameRegistry(target.takenNames());
        List<TableMapping> ours = mappings.stream().filter(m -> !target.isPreExisting(m.target())).toList();
        ours.forEach(m -> names.reserve(m.target().schema(), m.target().name()));

        Set<String> schemas = new LinkedHashSet<>();
        List<String> typeStatements = new ArrayList<>();
        for (UserType type : typesOf(ours, bySource)) {
            if (needsCreating(type, target)) {
                schemas.add(type.name().schema());
                names.reserve(type.name().schema(), type.name().name());
                typeStatements.addAll(TypeDdl.create(type, target.serverVersion()));
            }
        }
        ours.forEach(m -> schemas.add(m.target().schema()));
        schemas.addAll(TargetCatalogReader.partitionSchemas(definitions, ours));
        List<String> schemaStatements = schemas.stream()
                .filter(s -> !target.existingSchemas().contains(s))
                .map(s -> "CREATE SCHEMA IF NOT EXISTS " + Sql.ident(s))
                .toList();

        List<String> warnings = new ArrayList<>();
        List<TablePlan> tables = new ArrayList<>();
        for (TableMapping mapping : mappings) {
            TableDefinition def = bySource.get(mapping.source());
            if (def == null) {
                throw new IllegalArgumentException("no definition read for " + mapping.source().display());
            }
            if (target.isPreExisting(mapping.target())) {
                tables.add(new TablePlan(mapping, def, true, List.of(), List.of(), List.of(), Map.of(), Map.of(), Map.of()));
            } else {
                warnings.addAll(def.notCarried());
                tables.add(planTable(def, mapping, names, targetOf, target, warnings));
            }
        }
        return new SchemaPlan(List.copyOf(tables), schemaStatements, List.copyOf(typeStatements), List.copyOf(warnings));
    }

    /** The user types of all tables, each once, each after the ones it depends on. */
    private static List<UserType> typesOf(List<TableMapping> mappings, Map<QualifiedName, TableDefinition> bySource) {
        Map<QualifiedName, UserType> types = new LinkedHashMap<>();
        for (TableMapping m : mappings) {
            TableDefinition def = bySource.get(m.source());
            if (def != null) {
                def.userTypes().forEach(t -> types.putIfAbsent(t.name(), t));
            }
        }
        return List.copyOf(types.values());
    }

    private static boolean needsCreating(UserType type, TargetCatalog target) {
        TargetCatalog.ExistingType existing = target.types().get(type.name());
        if (type instanceof UserType.Required required) {
            if (existing == null) {
                String fix = required.extension() != null
                        ? "run CREATE EXTENSION " + Sql.ident(required.extension()) + " on the target first"
                        : "create it on the target first";
                throw new MigrationError("TargetTypeMissing", "Type " + type.name().display()
                        + " is used by a migrated column but the migration cannot create it; " + fix + ".");
            }
            return false;
        }
        if (existing == null) {
            return true;
        }
        if (existing.kind() != type.kind()) {
            throw new MigrationError("TargetTypeConflict", "Type " + type.name().display() + " exists on the target as "
                    + kindName(existing.kind()) + ", but on the source it is " + kindName(type.kind())
                    + "; rename or drop the target's type.");
        }
        if (type instanceof UserType.Enum e && !existing.enumLabels().containsAll(e.labels())) {
            List<String> missing = e.labels().stream().filter(l -> !existing.enumLabels().contains(l)).toList();
            throw new MigrationError("TargetTypeConflict", "Enum " + type.name().display() + " on the target lacks the"
                    + " labels " + missing + " that the source has; add them with ALTER TYPE ... ADD VALUE.");
        }
        return false;
    }

    private static String kindName(char kind) {
        return switch (kind) {
            case 'e' -> "an enum";
            case 'd' -> "a domain";
            case 'c' -> "a composite type";
            case 'r' -> "a range type";
            case 'm' -> "a multirange type";
            case 'b' -> "a base type";
            default -> "a type of kind " + kind;
        };
    }

    private static TablePlan planTable(TableDefinition def, TableMapping mapping, NameRegistry names,
                                       Map<QualifiedName, QualifiedName> targetOf, TargetCatalog catalog,
                                       List<String> warnings) {
        QualifiedName target = mapping.target();
        String schema = target.schema();
        boolean keepsNames = mapping.source().equals(target);
        UnaryOperator<String> nameFor = source -> names.allocate(schema,
                keepsNames ? source : ObjectNames.forMovedTable(source, def.name().name(), target.name()));
        boolean partitioned = def.partitioning() != null;
        PartitionPlanner.Plan partitions = partitioned ? PartitionPlanner.plan(def, mapping, names, warnings) : null;

        Map<String, QualifiedName> sequenceNames = new LinkedHashMap<>();
        for (OwnedSequence sequence : def.sequences()) {
            String desired = keepsNames ? sequence.name().name() : ObjectNames.sequenceName(target.name(), sequence.column());
            sequenceNames.put(sequence.column(), new QualifiedName(schema, names.allocate(schema, desired)));
        }

        List<PostCopyStep> steps = new ArrayList<>();
        Map<String, String> indexNames = new LinkedHashMap<>();
        Map<String, String> constraintNames = new LinkedHashMap<>();
        List<TableConstraint> constraints = new ArrayList<>();
        if (def.primaryKey() != null) {
            constraints.add(def.primaryKey());
        }
        constraints.addAll(def.constraints());
        for (TableConstraint k : constraints) {
            String name = nameFor.apply(k.name());
            constraintNames.put(k.name(), name);
            switch (k.kind()) {
                case PRIMARY_KEY, UNIQUE -> {
                    indexNames.put(k.index().name(), name);
                    if (partitioned) {
                        steps.add(PartitionDdl.key(target, k, name));
                    } else {
                        steps.add(PostCopyDdl.constraintIndex(def, target, k, name));
                        steps.add(PostCopyDdl.attach(target, k, name));
                    }
                }
                case EXCLUSION -> steps.add(PostCopyDdl.exclusion(target, k, name));
                case CHECK -> steps.add(PostCopyDdl.check(target, k, name));
            }
        }
        for (SourceIndex index : def.indexes()) {
            String name = nameFor.apply(index.name());
            indexNames.put(index.name(), name);
            steps.add(partitioned ? PartitionDdl.index(def, target, index, name) : PostCopyDdl.index(def, target, index, name));
        }
        for (ForeignKey fk : def.foreignKeys()) {
            QualifiedName referenced = targetOf.get(fk.referencedTable());
            if (referenced == null && catalog.existingTables().contains(fk.referencedTable())) {
                referenced = fk.referencedTable();
            }
            if (referenced == null) {
                warnings.add("Foreign key " + fk.name() + " of " + def.name().display() + " references table "
                        + fk.referencedTable().display() + ", which is neither migrated nor present on the target;"
                        + " the foreign key is not created on " + target.display() + ".");
                continue;
            }
            String name = nameFor.apply(fk.name());
            constraintNames.put(fk.name(), name);
            steps.add(partitioned ? PartitionDdl.foreignKey(target, fk, name, referenced)
                    : PostCopyDdl.foreignKey(target, fk, name, referenced));
        }
        ReplicaIdentity identity = def.replicaIdentity();
        if (identity.kind() != ReplicaIdentity.Kind.DEFAULT
                && (identity.kind() != ReplicaIdentity.Kind.INDEX || indexNames.containsKey(identity.indexName()))) {
            steps.add(PostCopyDdl.replicaIdentity(target, identity,
                    identity.indexName() == null ? null : indexNames.get(identity.indexName())));
        }
        List<String> create = new ArrayList<>(TableDdl.create(def, target, sequenceNames));
        if (partitioned) {
            create.addAll(partitions.createStatements());
            steps.addAll(partitions.postCopySteps());
        }
        return new TablePlan(mapping, def, false, List.copyOf(create), List.copyOf(steps),
                TableDdl.finalizeStatements(def, target), sequenceNames, indexNames, constraintNames);
    }
}

import GRDB

/// Named, forward-only migrations. Never edit one that has shipped: add another.
/// Written with the schema API, not the app's types, so they keep meaning the same.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 tasks") { db in
            try db.create(table: "task") { t in
                t.autoIncrementedPrimaryKey("id")  // AUTOINCREMENT: ids are never reused
                t.column("uuid", .text).notNull().unique()
                t.column("title", .text).notNull().check(sql: "length(trim(title)) > 0")
                t.column("description", .text).notNull().defaults(to: "")
                t.column("category", .text)
                t.column("priority", .text).check { $0 == nil || ["high", "medium", "low"].contains($0) }
                t.column("tags", .text).notNull().defaults(to: "[]")
                t.column("due", .datetime)
                t.column("status", .text).notNull().defaults(to: "pending").check { ["pending", "done", "deleted"].contains($0) }
                t.column("created", .datetime).notNull()
                t.column("updated", .datetime).notNull()
                t.column("completed", .datetime)
                t.column("provenance", .text).notNull().defaults(to: "{}")
            }
            try db.create(index: "task_status_due", on: "task", columns: ["status", "due"])
        }
        migrator.registerMigration("v2 task embeddings") { db in
            // One vector per task and model: a new model version never reuses old vectors.
            try db.create(table: "task_embedding") { t in
                t.column("task_id", .integer).notNull().references("task", onDelete: .cascade)
                t.column("model", .text).notNull()       // bundle fingerprint
                t.column("content", .text).notNull()     // sha256 of the embedded text: stale when the task changes
                t.column("vector", .blob).notNull()      // float32, little-endian
                t.column("windows", .integer).notNull()
                t.primaryKey(["task_id", "model"])
            }
        }
        migrator.registerMigration("v3 enrichment, cache, jobs, undo") { db in
            // Tags the user removed: enrichment never adds them back.
            try db.alter(table: "task") { t in t.add(column: "removed_tags", .text).notNull().defaults(to: "[]") }
            // The title alone, next to the whole text; and the search vector, the mean of the
            // whole-text, title and tag vectors (so the mean of three cosines is one dot product).
            try db.alter(table: "task_embedding") { t in
                t.add(column: "title_vector", .blob)
                t.add(column: "search_vector", .blob)
            }
            // Results keyed by sha256(model fingerprint, operation, parameters, normalised text).
            try db.create(table: "result_cache") { t in
                t.primaryKey("key", .text)
                t.column("operation", .text).notNull()
                t.column("value", .blob).notNull()
                t.column("created", .double).notNull()
                t.column("hits", .integer).notNull().defaults(to: 0)
            }
            // The durable queue: a job is written in the same transaction as its task.
            try db.create(table: "enrichment_job") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("task_id", .integer).notNull().references("task", onDelete: .cascade)
                t.column("state", .text).notNull().defaults(to: "pending").check { ["pending", "done", "failed"].contains($0) }
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("not_before", .double).notNull()   // backoff: not retried before this time
                t.column("last_error", .text)
                t.column("created", .double).notNull()
                t.column("updated", .double).notNull()
            }
            try db.create(index: "enrichment_job_state", on: "enrichment_job", columns: ["state", "not_before"])
            // One entry per mutating command: the tasks as they were before it.
            try db.create(table: "undo_entry") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("command", .text).notNull()
                t.column("batch", .text).notNull()      // one per process: undo reverts a whole command
                t.column("snapshot", .blob).notNull()   // JSON: [{"id": n, "before": task or null}]
                t.column("created", .double).notNull()
            }
        }
        migrator.registerMigration("v4 stored vectors go stale in the database") { db in
            // A task's vectors are dropped the moment its text or tags change, whoever changes
            // them (edit, enrichment, undo, import, another program): `todo search` then finds
            // what to re-embed with one indexed query instead of decoding every task to compare
            // content hashes (~1 s at 100,000 tasks, on every search).
            try db.execute(sql: """
                CREATE TRIGGER task_text_changed AFTER UPDATE OF title, description, tags ON task
                WHEN OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description OR OLD.tags IS NOT NEW.tags
                BEGIN DELETE FROM task_embedding WHERE task_id = NEW.id; END
                """)
            // Vectors stored before were checked by hash on every search, so some may be stale (a
            // task edited since), and SQL cannot tell which: all are rebuilt once, from the result
            // cache (the texts were embedded before; only missing ones need the model).
            try db.execute(sql: "DELETE FROM task_embedding")
        }
        BoundedSchema.register(in: &migrator)
        SearchBlockSchema.register(in: &migrator)
        IdempotencyKey.register(in: &migrator)
        TaskChangeLog.register(in: &migrator)
        SearchBlockSchema.registerCategoryWords(in: &migrator)
        SearchBlockSchema.registerVersionsBesideFlags(in: &migrator)
        SearchBlockSchema.registerTagsByPlace(in: &migrator)
        return migrator
    }
}

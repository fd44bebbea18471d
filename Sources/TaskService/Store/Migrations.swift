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
        return migrator
    }
}

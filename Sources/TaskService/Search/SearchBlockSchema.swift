import GRDB

/// The search index, kept in the database in blocks, so a `todo search` process reads ~100 rows
/// instead of decoding 100,000 (see `SearchBlocks`).
///
/// - `search_model`: a small id for each embedding model (its fingerprint) and its width.
/// - `search_slot`: each task's slot for a model, given once and kept (slots are dense, so
///   imported ids far apart cost nothing).
/// - `search_block`: per 1,024 slots, the task ids (int64) and the search vectors (float32), row by row.
/// - `search_topic_block`: the same slots' topic vectors, read only for the best few hundred.
/// - `search_flags`: per slot one ASCII digit, bits 1 = its vectors are current, 2 = done,
///   4 = deleted; kept by triggers, so an edit or status change from any path is seen at once.
/// - `search_word`: each indexed task's words, by slot, for the keyword term and names.
/// - `search_flags.version`: how many vectors were written into the block, so a process that
///   holds the vectors in memory (`ResidentVectors`) reads again only the blocks written since.
///   It lives beside the flags, which each write changes anyway, not in `search_block`: updating
///   a column of that row made SQLite read and compare its 1.5 MB of vectors on every write.
enum SearchBlockSchema {
    /// Slots per block.
    static let blockSize = 1024

    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6 search index in blocks") { db in
            try db.execute(sql: """
                CREATE TABLE search_model (id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL UNIQUE, dimension INTEGER NOT NULL CHECK (dimension > 0));
                CREATE TABLE search_slot (
                    model_id INTEGER NOT NULL REFERENCES search_model(id),
                    task_id INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
                    slot INTEGER NOT NULL CHECK (slot >= 0),
                    PRIMARY KEY (model_id, task_id), UNIQUE (model_id, slot));
                CREATE INDEX search_slot_task ON search_slot(task_id);
                CREATE TABLE search_block (
                    id INTEGER PRIMARY KEY, model_id INTEGER NOT NULL REFERENCES search_model(id), block INTEGER NOT NULL,
                    ids BLOB NOT NULL, vectors BLOB NOT NULL, UNIQUE (model_id, block));
                CREATE TABLE search_topic_block (
                    id INTEGER PRIMARY KEY, model_id INTEGER NOT NULL REFERENCES search_model(id), block INTEGER NOT NULL,
                    topics BLOB NOT NULL, UNIQUE (model_id, block));
                CREATE TABLE search_flags (
                    model_id INTEGER NOT NULL REFERENCES search_model(id), block INTEGER NOT NULL,
                    flags TEXT NOT NULL CHECK (length(flags) = \(blockSize)),
                    PRIMARY KEY (model_id, block)) WITHOUT ROWID;
                CREATE TABLE search_word (
                    model_id INTEGER NOT NULL, word TEXT NOT NULL, slot INTEGER NOT NULL,
                    PRIMARY KEY (model_id, word, slot)) WITHOUT ROWID;
                -- Slot first: an index led by model_id would tempt the planner away from the primary
                -- key for a word range (a scan of every word, 100 ms at 100,000 tasks).
                CREATE INDEX search_word_slot ON search_word(slot, model_id);

                -- A changed text or tag list: the vectors are stale (as task_embedding's rows are
                -- deleted by task_text_changed) and the words go.
                CREATE TRIGGER task_text_changed_search AFTER UPDATE OF title, description, tags ON task
                WHEN OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description OR OLD.tags IS NOT NEW.tags
                BEGIN
                    \(setFlags("(\(flag) & 6)"))
                    DELETE FROM search_word WHERE (model_id, slot) IN (SELECT model_id, slot FROM search_slot WHERE task_id = NEW.id);
                END;
                CREATE TRIGGER task_status_search AFTER UPDATE OF status ON task WHEN OLD.status IS NOT NEW.status BEGIN
                    \(setFlags("(\(flag) & 1) + \(statusBits("NEW"))"))
                END;
                -- Before: the task's slots go with it (ON DELETE CASCADE).
                CREATE TRIGGER task_deleted_search BEFORE DELETE ON task BEGIN
                    \(setFlags("0", task: "OLD"))
                    DELETE FROM search_word WHERE (model_id, slot) IN (SELECT model_id, slot FROM search_slot WHERE task_id = OLD.id);
                END;
                """)
        }
        migrator.registerMigration("v7 search blocks count their writes") { db in
            try db.execute(sql: "ALTER TABLE search_block ADD COLUMN version INTEGER NOT NULL DEFAULT 0")
        }
    }

    /// After the migrations registered since v7.
    static func registerCategoryWords(in migrator: inout DatabaseMigrator) {
        // The category is one of the words search matches (`TaskEmbeddings.searchText`): a changed
        // one makes the task's index stale as a changed text does (its vectors come back from the
        // result cache, no model call), and the tasks indexed before get their category's words now.
        migrator.registerMigration("v11 a task's category is a word search matches") { db in
            let changed = "OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description OR OLD.tags IS NOT NEW.tags OR OLD.category IS NOT NEW.category"
            try db.execute(sql: """
                DROP TRIGGER task_text_changed;
                CREATE TRIGGER task_text_changed AFTER UPDATE OF title, description, tags, category ON task WHEN \(changed)
                BEGIN DELETE FROM task_embedding WHERE task_id = NEW.id; END;
                DROP TRIGGER task_text_changed_search;
                CREATE TRIGGER task_text_changed_search AFTER UPDATE OF title, description, tags, category ON task WHEN \(changed)
                BEGIN
                    \(setFlags("(\(flag) & 6)"))
                    DELETE FROM search_word WHERE (model_id, slot) IN (SELECT model_id, slot FROM search_slot WHERE task_id = NEW.id);
                END;
                """)
            let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO search_word (model_id, word, slot) VALUES (?, ?, ?)")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT s.model_id, s.slot, t.category FROM search_slot s JOIN task t ON t.id = s.task_id WHERE t.category IS NOT NULL
                """)
            while let row = try rows.next() {
                for word in Set(TextFeatures.alphanumericWords(row["category"])) {
                    try insert.execute(arguments: [row["model_id"] as Int64, word, row["slot"] as Int64])
                }
            }
        }
    }

    /// After `registerCategoryWords`.
    static func registerVersionsBesideFlags(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12 a search block's write count beside its flags") { db in
            try db.execute(sql: """
                ALTER TABLE search_flags ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
                UPDATE search_flags SET version = ifnull((SELECT b.version FROM search_block b
                    WHERE b.model_id = search_flags.model_id AND b.block = search_flags.block), 0);
                ALTER TABLE search_block DROP COLUMN version;
                """)
        }
    }

    /// After `registerVersionsBesideFlags`.
    static func registerTagsByPlace(in migrator: inout DatabaseMigrator) {
        // The search vector weighs the tags by their place (`TaskEmbeddings.searchVector`): every
        // stored one is of the old formula. All rows go stale and their vectors are made again,
        // from the result cache (the texts were embedded before), by the next search.
        migrator.registerMigration("v13 search vectors weigh the tags by their place") { db in
            try staleAll(db)
        }
    }

    /// Every row of every model's index stale (not current), its status bits kept, and the
    /// stored vectors gone: `TaskEmbeddings.refresh` makes them again.
    static func staleAll(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM task_embedding;
            UPDATE search_flags SET flags = replace(replace(replace(replace(flags, '1', '0'), '3', '2'), '5', '4'), '7', '6');
            """)
    }

    /// The slot's current digit as a number, inside `setFlags`.
    static let flag = "(unicode(substr(flags, s.k + 1, 1)) - 48)"

    /// The flag bits a status sets: done 2, deleted 4.
    static func statusBits(_ row: String) -> String {
        "(CASE \(row).status WHEN 'done' THEN 2 WHEN 'deleted' THEN 4 ELSE 0 END)"
    }

    /// Sets the digit of the task's slot, for every model, to `value` (an expression of `flag`).
    static func setFlags(_ value: String, task: String = "NEW") -> String {
        """
        UPDATE search_flags SET flags = substr(flags, 1, s.k) || char(48 + \(value)) || substr(flags, s.k + 2)
            FROM (SELECT model_id, slot / \(blockSize) AS block, slot % \(blockSize) AS k FROM search_slot WHERE task_id = \(task).id) AS s
            WHERE search_flags.model_id = s.model_id AND search_flags.block = s.block;
        """
    }
}

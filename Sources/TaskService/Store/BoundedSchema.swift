import GRDB

/// What keeps a command that touches a few tasks as cheap at 100,000 tasks as at 100: indexes
/// for the queries it makes, and counts the database keeps as tasks change (SQL triggers, so
/// every path keeps them: our commands, undo, imports, another program's SQL) instead of
/// reading every task to count.
///
/// - `task_tag`: each task's tags, indexed (`list --tag`).
/// - `user_tag`: how many live tasks carry each tag the user set (the tagger's known tags).
/// - `task_summary`: live tasks by status, category, priority and which fields the AI set (`stats`).
/// - `job_count`, `cache_summary`: the queue by state and the result cache's size and hits.
/// - `store_state`: `habits`, a number that changes whenever what enrichment learns from the
///   user changes (their tags, which tasks they filed where, the text of those): part of a
///   cached decision's key, in place of a digest computed by reading every such task.
enum BoundedSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5 indexes and counts kept as tasks change") { db in
            try db.execute(sql: """
                CREATE TABLE store_state (key TEXT PRIMARY KEY NOT NULL, value NOT NULL);
                INSERT INTO store_state (key, value) VALUES ('habits', 0);
                CREATE INDEX enrichment_job_task ON enrichment_job(task_id, state);
                CREATE INDEX enrichment_job_oldest ON enrichment_job(state, id);
                CREATE INDEX task_urgency ON task(status, priority, due);
                CREATE INDEX task_category ON task(status, category COLLATE NOCASE);
                CREATE INDEX task_user_filed ON task(id) WHERE \(filed("task"));

                CREATE TABLE task_tag (
                    task_id INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
                    tag TEXT NOT NULL,
                    PRIMARY KEY (task_id, tag)) WITHOUT ROWID;
                CREATE INDEX task_tag_tag ON task_tag(tag COLLATE NOCASE);
                CREATE TABLE user_tag (tag TEXT PRIMARY KEY NOT NULL, n INTEGER NOT NULL);
                CREATE TABLE task_summary (
                    status TEXT NOT NULL, category TEXT NOT NULL, priority TEXT NOT NULL, ai TEXT NOT NULL, n INTEGER NOT NULL,
                    PRIMARY KEY (status, category, priority, ai)) WITHOUT ROWID;
                CREATE TABLE job_count (state TEXT PRIMARY KEY NOT NULL, n INTEGER NOT NULL);
                CREATE TABLE cache_summary (id INTEGER PRIMARY KEY CHECK (id = 1), entries INTEGER NOT NULL, bytes INTEGER NOT NULL, hits INTEGER NOT NULL);

                -- What is already there, counted once.
                INSERT INTO task_tag (task_id, tag) SELECT DISTINCT task.id, j.value FROM task, json_each(task.tags) AS j WHERE j.type = 'text';
                INSERT INTO user_tag (tag, n) SELECT j.value, count(DISTINCT task.id) FROM task, json_each(task.tags) AS j
                    WHERE j.type = 'text' AND \(userTagged("task")) GROUP BY j.value;
                INSERT INTO task_summary (status, category, priority, ai, n)
                    SELECT status, ifnull(category, ''), ifnull(priority, ''), \(aiFields("task")), count(*) FROM task GROUP BY 1, 2, 3, 4;
                INSERT INTO job_count (state, n) SELECT state, count(*) FROM enrichment_job GROUP BY state;
                INSERT INTO cache_summary (id, entries, bytes, hits)
                    SELECT 1, count(*), coalesce(sum(length(value)), 0), coalesce(sum(hits), 0) FROM result_cache;

                CREATE TRIGGER task_inserted_counts AFTER INSERT ON task BEGIN
                    \(addTags("NEW"))
                    \(addUserTags("NEW", when: "1"))
                    \(addSummary("NEW"))
                    UPDATE store_state SET value = value + 1 WHERE key = 'habits' AND \(filed("NEW"));
                END;

                CREATE TRIGGER task_updated_counts AFTER UPDATE ON task BEGIN
                    DELETE FROM task_tag WHERE task_id = OLD.id AND OLD.tags IS NOT NEW.tags;
                    \(addTags("NEW", when: "OLD.tags IS NOT NEW.tags"))
                    \(removeUserTags("OLD", when: userTagsChanged))
                    \(addUserTags("NEW", when: userTagsChanged))
                    DELETE FROM user_tag WHERE n <= 0;
                    \(removeSummary("OLD"))
                    \(addSummary("NEW"))
                    UPDATE store_state SET value = value + 1 WHERE key = 'habits' AND (\(filed("OLD")) OR \(filed("NEW")))
                        AND (OLD.category IS NOT NEW.category OR OLD.status IS NOT NEW.status OR OLD.title IS NOT NEW.title
                             OR OLD.description IS NOT NEW.description OR OLD.tags IS NOT NEW.tags
                             OR json_extract(OLD.provenance, '$.category') IS NOT json_extract(NEW.provenance, '$.category'));
                END;

                CREATE TRIGGER task_deleted_counts AFTER DELETE ON task BEGIN
                    DELETE FROM task_tag WHERE task_id = OLD.id;
                    \(removeUserTags("OLD", when: "1"))
                    DELETE FROM user_tag WHERE n <= 0;
                    \(removeSummary("OLD"))
                    UPDATE store_state SET value = value + 1 WHERE key = 'habits' AND \(filed("OLD"));
                END;

                -- Any change to the user's tag counts is a change of habits.
                CREATE TRIGGER user_tag_inserted AFTER INSERT ON user_tag BEGIN UPDATE store_state SET value = value + 1 WHERE key = 'habits'; END;
                CREATE TRIGGER user_tag_updated AFTER UPDATE ON user_tag BEGIN UPDATE store_state SET value = value + 1 WHERE key = 'habits'; END;
                CREATE TRIGGER user_tag_deleted AFTER DELETE ON user_tag BEGIN UPDATE store_state SET value = value + 1 WHERE key = 'habits'; END;
                -- The vectors of a task the user filed are examples for the categorizer.
                CREATE TRIGGER filed_vectors_inserted AFTER INSERT ON task_embedding
                WHEN EXISTS (SELECT 1 FROM task WHERE id = NEW.task_id AND \(filed("task")))
                BEGIN UPDATE store_state SET value = value + 1 WHERE key = 'habits'; END;
                CREATE TRIGGER filed_vectors_updated AFTER UPDATE ON task_embedding
                WHEN EXISTS (SELECT 1 FROM task WHERE id = NEW.task_id AND \(filed("task")))
                BEGIN UPDATE store_state SET value = value + 1 WHERE key = 'habits'; END;

                CREATE TRIGGER job_inserted_count AFTER INSERT ON enrichment_job BEGIN
                    INSERT INTO job_count (state, n) VALUES (NEW.state, 1) ON CONFLICT (state) DO UPDATE SET n = n + 1;
                END;
                CREATE TRIGGER job_updated_count AFTER UPDATE OF state ON enrichment_job WHEN OLD.state IS NOT NEW.state BEGIN
                    UPDATE job_count SET n = n - 1 WHERE state = OLD.state;
                    INSERT INTO job_count (state, n) VALUES (NEW.state, 1) ON CONFLICT (state) DO UPDATE SET n = n + 1;
                END;
                CREATE TRIGGER job_deleted_count AFTER DELETE ON enrichment_job BEGIN
                    UPDATE job_count SET n = n - 1 WHERE state = OLD.state;
                END;

                CREATE TRIGGER cache_inserted_count AFTER INSERT ON result_cache BEGIN
                    UPDATE cache_summary SET entries = entries + 1, bytes = bytes + length(NEW.value), hits = hits + NEW.hits;
                END;
                CREATE TRIGGER cache_updated_count AFTER UPDATE ON result_cache BEGIN
                    UPDATE cache_summary SET bytes = bytes - length(OLD.value) + length(NEW.value), hits = hits - OLD.hits + NEW.hits;
                END;
                CREATE TRIGGER cache_deleted_count AFTER DELETE ON result_cache BEGIN
                    UPDATE cache_summary SET entries = entries - 1, bytes = bytes - length(OLD.value), hits = hits - OLD.hits;
                END;
                """)
        }
    }

    /// A live task whose category the user chose (not the AI): an example of how they file.
    static func filed(_ row: String) -> String {
        "(\(row).status != 'deleted' AND \(row).category IS NOT NULL AND json_extract(\(row).provenance, '$.category') IS NULL)"
    }

    /// A live task whose tags the user set.
    static func userTagged(_ row: String) -> String {
        "(\(row).status != 'deleted' AND json_extract(\(row).provenance, '$.tags') IS NULL)"
    }

    /// Which fields the AI set, as three letters: "cpt", "c--", "---".
    static func aiFields(_ row: String) -> String {
        ["category": "c", "priority": "p", "tags": "t"].sorted { $0.value < $1.value }.map { field, letter in
            "(CASE WHEN json_extract(\(row).provenance, '$.\(field)') IS NULL THEN '-' ELSE '\(letter)' END)"
        }.joined(separator: " || ")
    }

    /// The user-tag counts change only when the tags, whose they are, or whether the task is live change.
    static let userTagsChanged = "(OLD.tags IS NOT NEW.tags OR (OLD.status = 'deleted') IS NOT (NEW.status = 'deleted') OR json_extract(OLD.provenance, '$.tags') IS NOT json_extract(NEW.provenance, '$.tags'))"

    static func addTags(_ row: String, when condition: String = "1") -> String {
        "INSERT OR IGNORE INTO task_tag (task_id, tag) SELECT \(row).id, value FROM json_each(\(row).tags) WHERE type = 'text' AND \(condition);"
    }

    static func addUserTags(_ row: String, when condition: String) -> String {
        """
        INSERT INTO user_tag (tag, n) SELECT DISTINCT value, 1 FROM json_each(\(row).tags)
            WHERE type = 'text' AND \(userTagged(row)) AND \(condition) ON CONFLICT (tag) DO UPDATE SET n = n + 1;
        """
    }

    static func removeUserTags(_ row: String, when condition: String) -> String {
        """
        UPDATE user_tag SET n = n - 1 WHERE \(userTagged(row)) AND \(condition)
            AND tag IN (SELECT value FROM json_each(\(row).tags) WHERE type = 'text');
        """
    }

    static func addSummary(_ row: String) -> String {
        """
        INSERT INTO task_summary (status, category, priority, ai, n)
            VALUES (\(row).status, ifnull(\(row).category, ''), ifnull(\(row).priority, ''), \(aiFields(row)), 1)
            ON CONFLICT (status, category, priority, ai) DO UPDATE SET n = n + 1;
        """
    }

    static func removeSummary(_ row: String) -> String {
        """
        UPDATE task_summary SET n = n - 1 WHERE status = \(row).status AND category = ifnull(\(row).category, '')
            AND priority = ifnull(\(row).priority, '') AND ai = \(aiFields(row));
        DELETE FROM task_summary WHERE n <= 0;
        """
    }
}

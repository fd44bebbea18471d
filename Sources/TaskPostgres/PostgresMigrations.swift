import Logging
import PostgresNIO

/// The PostgreSQL schema, as named, forward-only migrations (as SQLite's `Migrations`): each
/// is applied once, in order, in one transaction with the others, under an advisory lock, so
/// replicas and workers starting together migrate once. The rules live in the schema as in
/// SQLite: a row the application would refuse, PostgreSQL refuses too.
enum PostgresMigrations {
    struct Migration {
        let name: String
        let statements: [String]
    }

    static let all: [Migration] = [
        Migration(name: "v1 accounts, tasks, jobs, cache", statements: [
            """
            CREATE TABLE account (
                id bigserial PRIMARY KEY,
                name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
                token_sha256 bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
                created timestamptz NOT NULL DEFAULT now(),
                revoked timestamptz)
            """,
            """
            CREATE TABLE task (
                id bigserial PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES account(id),
                uuid uuid NOT NULL UNIQUE,
                title text NOT NULL CHECK (btrim(title, E' \\t\\n\\r') <> ''),
                description text NOT NULL DEFAULT '',
                status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'deleted')),
                category text CHECK (btrim(category) <> ''),
                priority text CHECK (priority IN ('high', 'medium', 'low')),
                tags jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(tags) = 'array'),
                due timestamptz,
                created timestamptz NOT NULL,
                updated timestamptz NOT NULL CHECK (updated >= created),
                completed timestamptz CHECK (completed >= created),
                CHECK (status <> 'done' OR completed IS NOT NULL),
                CHECK (status <> 'pending' OR completed IS NULL))
            """,
            // Every query is scoped to one account: its tasks by id, newest first.
            "CREATE INDEX task_account ON task (account_id, id)",
            """
            CREATE TABLE enrichment_job (
                task_id bigint PRIMARY KEY REFERENCES task(id) ON DELETE CASCADE,
                state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
                attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
                lease_until timestamptz,
                queued timestamptz NOT NULL DEFAULT now())
            """,
            "CREATE INDEX enrichment_job_pending ON enrichment_job (queued) WHERE state = 'pending'",
            // Model outputs by a hash of the model and the text: shared by every account (it holds no user's data).
            """
            CREATE TABLE result_cache (
                key text PRIMARY KEY CHECK (length(key) = 64),
                kind text NOT NULL,
                value bytea NOT NULL,
                created timestamptz NOT NULL DEFAULT now())
            """,
        ]),
        // A claim's lease: who holds a job (so a worker whose lease ran out cannot apply its
        // results over the next holder's) and since when the wake-ups are told.
        Migration(name: "v2 job leases", statements: [
            "ALTER TABLE enrichment_job ADD COLUMN lease_id uuid",
            """
            CREATE FUNCTION smart_todo_job_queued() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('smart_todo_jobs', ''); RETURN NULL; END $$
            """,
            // Delivered at commit, once per statement: an idle worker wakes at once, never before the job is visible.
            "CREATE TRIGGER enrichment_job_queued AFTER INSERT ON enrichment_job FOR EACH STATEMENT EXECUTE FUNCTION smart_todo_job_queued()",
        ]),
        // "alice" and "ALICE" would read as one person in a list: one of them.
        Migration(name: "v3 account names unique in any case", statements: [
            "CREATE UNIQUE INDEX account_name_any_case ON account (lower(name))",
        ]),
        // What the AI set (a field without provenance is the user's) and the tags the user took
        // away, as in SQLite; and a count per account that changes with the user's own tags and
        // filing, so decisions that learn from them are made again (`PostgresHabits`).
        Migration(name: "v4 provenance and habits", statements: [
            "ALTER TABLE task ADD COLUMN provenance jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(provenance) = 'object')",
            "ALTER TABLE task ADD COLUMN removed_tags jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(removed_tags) = 'array')",
            "ALTER TABLE account ADD COLUMN habits bigint NOT NULL DEFAULT 0",
            """
            CREATE FUNCTION smart_todo_user_filing(t task) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
                SELECT CASE WHEN t.status = 'deleted' THEN NULL
                            ELSE jsonb_build_array(CASE WHEN t.provenance ? 'category' THEN NULL ELSE t.category END,
                                                   CASE WHEN t.provenance ? 'tags' THEN '[]'::jsonb ELSE t.tags END) END
            $$
            """,
            // Only the user's own category and tags count: the AI filling a field changes no habit.
            """
            CREATE FUNCTION smart_todo_habits_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF (TG_OP = 'INSERT' AND smart_todo_user_filing(NEW) IS DISTINCT FROM '[null, []]'::jsonb)
                   OR (TG_OP = 'UPDATE' AND smart_todo_user_filing(OLD) IS DISTINCT FROM smart_todo_user_filing(NEW)) THEN
                    UPDATE account SET habits = habits + 1 WHERE id = NEW.account_id;
                END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER task_habits AFTER INSERT OR UPDATE ON task FOR EACH ROW EXECUTE FUNCTION smart_todo_habits_changed()",
        ]),
        // `todo list`: each urgency class's first rows in due order (`AccountTasks.mostUrgent`),
        // read from an index in that order, however many tasks the account has. Tasks without a
        // priority have their own: PostgreSQL orders by an index only past `=` conditions, and
        // `priority IS NULL` is not one (it sorted the whole class).
        Migration(name: "v5 urgency listing", statements: [
            "CREATE INDEX task_account_urgency ON task (account_id, status, priority, due, id)",
            "CREATE INDEX task_account_urgency_unprioritized ON task (account_id, status, due, id) WHERE priority IS NULL",
        ]),
        // Each account's tasks by status, kept by triggers: a listing's total without a scan of
        // the account's rows (as SQLite's `task_summary`). Only a change of status touches it, so
        // edits and enrichment never wait on the account's counter row.
        Migration(name: "v6 task counts", statements: [
            """
            CREATE TABLE task_count (
                account_id bigint NOT NULL REFERENCES account (id),
                status text NOT NULL,
                n bigint NOT NULL CHECK (n >= 0),
                PRIMARY KEY (account_id, status)
            )
            """,
            "INSERT INTO task_count (account_id, status, n) SELECT account_id, status, count(*) FROM task GROUP BY account_id, status",
            """
            CREATE FUNCTION smart_todo_count_task(account bigint, state text, change bigint) RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                IF change > 0 THEN
                    INSERT INTO task_count (account_id, status, n) VALUES (account, state, change)
                    ON CONFLICT (account_id, status) DO UPDATE SET n = task_count.n + change;
                ELSE
                    UPDATE task_count SET n = n + change WHERE account_id = account AND status = state;
                END IF;
            END $$
            """,
            // A change of status takes its two rows in one order (by status): a task marked done
            // while another is reopened never waits on the other in a cycle.
            """
            CREATE FUNCTION smart_todo_count_tasks() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    PERFORM smart_todo_count_task(NEW.account_id, NEW.status, 1);
                ELSIF TG_OP = 'DELETE' THEN
                    PERFORM smart_todo_count_task(OLD.account_id, OLD.status, -1);
                ELSIF (OLD.account_id, OLD.status) < (NEW.account_id, NEW.status) THEN
                    PERFORM smart_todo_count_task(OLD.account_id, OLD.status, -1);
                    PERFORM smart_todo_count_task(NEW.account_id, NEW.status, 1);
                ELSE
                    PERFORM smart_todo_count_task(NEW.account_id, NEW.status, 1);
                    PERFORM smart_todo_count_task(OLD.account_id, OLD.status, -1);
                END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER task_counted AFTER INSERT OR DELETE ON task FOR EACH ROW EXECUTE FUNCTION smart_todo_count_tasks()",
            """
            CREATE TRIGGER task_recounted AFTER UPDATE ON task FOR EACH ROW
            WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.account_id IS DISTINCT FROM NEW.account_id)
            EXECUTE FUNCTION smart_todo_count_tasks()
            """,
        ]),
        // `Idempotency-Key` on POST /api/tasks: a retry finds the task its first try stored.
        Migration(name: "v7 idempotency keys", statements: [
            "ALTER TABLE task ADD COLUMN idempotency_key text CHECK (idempotency_key ~ '^[!-~]{1,255}$')",
            "CREATE UNIQUE INDEX task_idempotency_key ON task (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL",
        ]),
        // `todo undo` on an account (`PostgresUndoLog`): the tasks a command changed, as they were
        // before it, written in the command's own transactions; a step is a process's command.
        Migration(name: "v8 undo log", statements: [
            """
            CREATE TABLE undo_entry (
                id bigserial PRIMARY KEY,
                account_id bigint NOT NULL REFERENCES account (id),
                command text NOT NULL,
                batch text NOT NULL,
                snapshot bytea NOT NULL,
                created timestamptz NOT NULL DEFAULT now())
            """,
            "CREATE INDEX undo_entry_account ON undo_entry (account_id, id)",
        ]),
        // What a client sent with an Idempotency-Key (`IdempotencyKey.request`): the key sent
        // again with another task is refused. NULL for keys stored before: they replay.
        Migration(name: "v9 idempotency requests", statements: [
            "ALTER TABLE task ADD COLUMN idempotency_request text",
        ]),
        // `todo stats` without a scan of the account's tasks (as SQLite's `task_summary`): live
        // and deleted tasks by account, status, category, priority and the fields the AI set,
        // kept by a trigger; and the due dates of each status in order, so "overdue" and "due
        // within a week" are range counts of the tasks they count.
        Migration(name: "v10 task summary", statements: [
            """
            CREATE TABLE task_summary (
                account_id bigint NOT NULL REFERENCES account (id),
                status text NOT NULL,
                category text NOT NULL,
                priority text NOT NULL,
                ai text NOT NULL,
                n bigint NOT NULL CHECK (n >= 0),
                PRIMARY KEY (account_id, status, category, priority, ai))
            """,
            // c, p, t: the AI set the category, the priority, the tags; "-" where it did not.
            """
            CREATE FUNCTION smart_todo_summary_key(t task) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
                SELECT ARRAY[t.account_id::text, t.status, coalesce(t.category, ''), coalesce(t.priority, ''),
                             CASE WHEN t.provenance ? 'category' THEN 'c' ELSE '-' END
                             || CASE WHEN t.provenance ? 'priority' THEN 'p' ELSE '-' END
                             || CASE WHEN t.provenance ? 'tags' THEN 't' ELSE '-' END]
            $$
            """,
            """
            CREATE FUNCTION smart_todo_summary_add(k text[], change bigint) RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                IF change > 0 THEN
                    INSERT INTO task_summary (account_id, status, category, priority, ai, n) VALUES (k[1]::bigint, k[2], k[3], k[4], k[5], change)
                    ON CONFLICT (account_id, status, category, priority, ai) DO UPDATE SET n = task_summary.n + change;
                ELSE
                    UPDATE task_summary SET n = n + change
                    WHERE account_id = k[1]::bigint AND status = k[2] AND category = k[3] AND priority = k[4] AND ai = k[5];
                END IF;
            END $$
            """,
            // A change takes its two rows in one order (by key): two changes never wait on each other in a cycle.
            """
            CREATE FUNCTION smart_todo_summarize() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                before text[];
                after text[];
            BEGIN
                IF TG_OP <> 'INSERT' THEN before := smart_todo_summary_key(OLD); END IF;
                IF TG_OP <> 'DELETE' THEN after := smart_todo_summary_key(NEW); END IF;
                IF before IS NOT DISTINCT FROM after THEN RETURN NULL; END IF;
                IF after IS NULL OR (before IS NOT NULL AND before < after) THEN
                    IF before IS NOT NULL THEN PERFORM smart_todo_summary_add(before, -1); END IF;
                    IF after IS NOT NULL THEN PERFORM smart_todo_summary_add(after, 1); END IF;
                ELSE
                    PERFORM smart_todo_summary_add(after, 1);
                    IF before IS NOT NULL THEN PERFORM smart_todo_summary_add(before, -1); END IF;
                END IF;
                RETURN NULL;
            END $$
            """,
            """
            INSERT INTO task_summary (account_id, status, category, priority, ai, n)
            SELECT k[1]::bigint, k[2], k[3], k[4], k[5], count(*) FROM (SELECT smart_todo_summary_key(task) AS k FROM task) keys GROUP BY k
            """,
            "CREATE TRIGGER task_summarized AFTER INSERT OR UPDATE OR DELETE ON task FOR EACH ROW EXECUTE FUNCTION smart_todo_summarize()",
            "CREATE INDEX task_account_due ON task (account_id, status, due) WHERE due IS NOT NULL",
        ]),
    ]

    /// A fixed key for `pg_advisory_xact_lock`: "smart-todo migrations".
    static let lockKey: Int64 = 0x5354_4D49_4752_0001

    /// Applies what is missing; the names applied now.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS schema_migration (name text PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())", logger: logger)
            var done = Set<String>()
            for try await name in try await connection.query("SELECT name FROM schema_migration", logger: logger).decode(String.self) { done.insert(name) }
            let known = Set(all.map(\.name))
            if let unknown = done.subtracting(known).sorted().first {
                throw PostgresFailure.invalid("This database was migrated by a newer Smart TODO (migration '\(unknown)'): use that version.")
            }
            var applied: [String] = []
            for migration in all where !done.contains(migration.name) {
                for statement in migration.statements { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await connection.query("INSERT INTO schema_migration (name) VALUES (\(migration.name))", logger: logger)
                applied.append(migration.name)
            }
            return applied
        }
    }
}

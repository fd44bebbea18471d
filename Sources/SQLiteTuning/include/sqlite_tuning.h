// Connection settings SQLite only offers through variadic calls, which Swift cannot make.
#ifndef SMART_TODO_SQLITE_TUNING_H
#define SMART_TODO_SQLITE_TUNING_H

struct sqlite3;

/// Keeps the write-ahead log when the last connection closes, unchecked-pointed: the next
/// process opens without writing, and closing costs no database write or fsync.
/// Returns an SQLite result code.
int smart_todo_keep_wal_on_close(struct sqlite3 *db);

/// Whether the connection's main database is read-only: SQLite opens a file it may not write
/// read-only without saying so.
int smart_todo_is_read_only(struct sqlite3 *db);

#endif

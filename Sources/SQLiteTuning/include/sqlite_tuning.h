// Connection settings SQLite only offers through variadic calls, which Swift cannot make.
#ifndef SMART_TODO_SQLITE_TUNING_H
#define SMART_TODO_SQLITE_TUNING_H

struct sqlite3;
struct sqlite3_blob;

/// Keeps the write-ahead log when the last connection closes, unchecked-pointed: the next
/// process opens without writing, and closing costs no database write or fsync.
/// Returns an SQLite result code.
int smart_todo_keep_wal_on_close(struct sqlite3 *db);

/// Whether the connection's main database is read-only: SQLite opens a file it may not write
/// read-only without saying so.
int smart_todo_is_read_only(struct sqlite3 *db);

/// Overwrites `count` bytes at `offset` of the blob in (table, column, rowid), in place: only the
/// pages touched are written, where an UPDATE would rewrite the whole value (the search index's
/// blocks of vectors are 1.5 MB). Returns an SQLite result code.
int smart_todo_blob_write(struct sqlite3 *db, const char *table, const char *column, long long rowid,
                          int offset, const void *bytes, int count);

/// Reads `items` pieces of `count` bytes, piece i at offsets[i] of the blob in (table, column,
/// rowids[i]), one after another into `out`; one blob handle, moved between rows.
int smart_todo_blob_read_many(struct sqlite3 *db, const char *table, const char *column, const long long *rowids,
                              const int *offsets, int items, int count, void *out);

/// Opens the blob in (table, column, rowid) to read it piece by piece with
/// `smart_todo_blob_read`: the handle keeps its overflow pages' places, so each piece is read
/// where it lies, into memory the caller chose. Returns an SQLite result code; on success
/// `blob` must be closed with `smart_todo_blob_close`.
int smart_todo_blob_open_read(struct sqlite3 *db, const char *table, const char *column, long long rowid,
                              struct sqlite3_blob **blob);

/// Reads `count` bytes at `offset` of an open blob into `out`. Returns an SQLite result code.
int smart_todo_blob_read(struct sqlite3_blob *blob, void *out, int count, int offset);

/// Closes a blob opened by `smart_todo_blob_open_read`. Returns an SQLite result code.
int smart_todo_blob_close(struct sqlite3_blob *blob);

#endif

#include "sqlite_tuning.h"

#include <sqlite3.h>

int smart_todo_keep_wal_on_close(struct sqlite3 *db) {
    int persist = 1;
    int rc = sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    if (rc != SQLITE_OK) return rc;
    return sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)0);
}

int smart_todo_is_read_only(struct sqlite3 *db) {
    return sqlite3_db_readonly(db, "main") == 1;
}

int smart_todo_blob_write(struct sqlite3 *db, const char *table, const char *column, long long rowid,
                          int offset, const void *bytes, int count) {
    sqlite3_blob *blob = 0;
    int rc = sqlite3_blob_open(db, "main", table, column, rowid, 1, &blob);
    if (rc != SQLITE_OK) return rc;
    rc = sqlite3_blob_write(blob, bytes, count, offset);
    int closed = sqlite3_blob_close(blob);
    return rc != SQLITE_OK ? rc : closed;
}

int smart_todo_blob_read_many(struct sqlite3 *db, const char *table, const char *column, const long long *rowids,
                              const int *offsets, int items, int count, void *out) {
    if (items == 0) return SQLITE_OK;
    sqlite3_blob *blob = 0;
    int rc = sqlite3_blob_open(db, "main", table, column, rowids[0], 0, &blob);
    if (rc != SQLITE_OK) return rc;
    for (int i = 0; i < items && rc == SQLITE_OK; i++) {
        if (i > 0 && rowids[i] != rowids[i - 1]) rc = sqlite3_blob_reopen(blob, rowids[i]);
        if (rc == SQLITE_OK) rc = sqlite3_blob_read(blob, (char *)out + (long)i * count, count, offsets[i]);
    }
    int closed = sqlite3_blob_close(blob);
    return rc != SQLITE_OK ? rc : closed;
}

int smart_todo_blob_open_read(struct sqlite3 *db, const char *table, const char *column, long long rowid,
                              struct sqlite3_blob **blob) {
    return sqlite3_blob_open(db, "main", table, column, rowid, 0, blob);
}

int smart_todo_blob_read(struct sqlite3_blob *blob, void *out, int count, int offset) {
    return sqlite3_blob_read(blob, out, count, offset);
}

int smart_todo_blob_close(struct sqlite3_blob *blob) {
    return sqlite3_blob_close(blob);
}

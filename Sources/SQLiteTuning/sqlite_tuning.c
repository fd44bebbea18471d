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

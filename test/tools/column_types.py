#!/usr/bin/python3
"""The column types a client sees: for each view named on the command line,
one line "view|column|type oid|type name" from psycopg2's cursor.description,
the metadata a BI tool reads through its driver.  Connects with the libpq
environment (PGHOST, PGPORT, PGDATABASE, PGUSER)."""
import sys

import psycopg2

conn = psycopg2.connect("")
cur = conn.cursor()
for view in sys.argv[1:]:
    cur.execute("SELECT * FROM %s LIMIT 0" % view)  # names come from the test, not from input
    for column in cur.description:
        cur2 = conn.cursor()
        cur2.execute("SELECT format_type(%s, NULL)", (column.type_code,))
        print("%s|%s|%d|%s" % (view, column.name, column.type_code, cur2.fetchone()[0]))
# a status compared with a string the client binds
cur.execute("SELECT count(*) FROM push_actions.actions WHERE status = %s", ("failed",))
print("bound|status = %%s|%d|" % cur.fetchone()[0])

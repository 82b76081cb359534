"""Writing many rows fast: PostgreSQL's COPY (psycopg 3 `cursor.copy`), or batched inserts elsewhere (SQLite,
for the tests' small worlds).

Rows are plain tuples in the order of the named fields, with primary keys chosen here (`next_ids`) so that the
rows of one table can point at the rows of another before either is written. Encrypted fields get their tokens
as they are: nothing here goes through `Field.get_prep_value`, which would encrypt each value again.
"""
import contextlib
import datetime
import json
from decimal import Decimal

from django.db import connection

BATCH = 2000


def is_postgresql():
    return connection.vendor == "postgresql"


def next_ids(model, count):
    """`count` fresh primary keys for `model`, reserved by moving its sequence past them. The seeding runs in one
    transaction and alone, so the highest key in the table is the last one used."""
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')
        start = cursor.fetchone()[0] + 1
        if is_postgresql() and count:
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, pk, start + count - 1])
    return range(start, start + count)


def json_text(value):
    """A JSON field's value as COPY and SQLite take it."""
    return json.dumps(value, ensure_ascii=False)


def _columns(model, fields):
    return [model._meta.get_field(name).column for name in fields]


def _sqlite_value(value, ops):
    if isinstance(value, datetime.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def write(model, fields, rows):
    """Writes `rows` (an iterable of tuples, one value per field) into `model`'s table; returns how many."""
    columns = ", ".join(f'"{c}"' for c in _columns(model, fields))
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        if is_postgresql():
            with cursor.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in rows:  # JSON values come as text already (json_text)
                    copy.write_row(row)
                    count += 1
            return count
        sql = f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join(["%s"] * len(fields))})'
        batch, ops = [], connection.ops  # the connection proxy costs a lookup per use
        for row in rows:
            batch.append([_sqlite_value(v, ops) for v in row])
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


@contextlib.contextmanager
def constraints_built_after_the_load(models):
    """On PostgreSQL, drops the foreign keys and secondary indexes (unique ones too) of `models`' tables for the
    load and builds them again afterwards, inside the caller's transaction. A key in place queues a deferred
    check per row (Django's are INITIALLY DEFERRED) and the COMMIT of millions of rows then takes minutes; an
    index in place is updated row by row. Added back, each key checks every row in one join and each index is
    built by one sort; a unique index still refuses duplicates. The tables stay locked until the transaction
    ends. Checks pending from earlier in the transaction run first: PostgreSQL alters no table with pending
    trigger events."""
    if not is_postgresql():
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype = 'f' "
                       "FROM pg_constraint WHERE contype IN ('f', 'u') AND conrelid = ANY(%s::regclass[]) "
                       "ORDER BY contype", [tables])  # foreign keys first: they may lean on a unique one
        constraints = cursor.fetchall()
        cursor.execute("SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                       "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS ("
                       "SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", [tables])
        indexes = cursor.fetchall()
        for table, name, _definition, _foreign in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition, _foreign in reversed(constraints):  # unique ones first
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def analyze(models):
    """Fresh planner statistics after a large load, so the first queries do not plan for empty tables."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')

"""Search by any part of a name, on PostgreSQL (core/search.py says why it is built this way).

Adds to every searched table two columns the models do not declare: `search_text`, the lower-cased names a row
is found by, joined by U+001F, with a pg_trgm GIN index; and `search_grams`, its pieces of one and two characters
as a tsvector (each once, compact), with a GIN index. The database keeps them: generated columns where the names
are the row's own, triggers where they come from other tables (a studio's leader and unit, an application's
unit), so rows written by any means — the ORM, bulk inserts, COPY, a restore — are found. On SQLite this
migration does nothing: core/search.py searches with icontains there.
"""
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from core.postgres_sql import PostgresSQL

SEPARATOR = r"E'\x1f'"

FUNCTIONS = rf"""
-- Every piece of one and two characters of `t`, none across the separator (array_to_tsvector drops repeats).
CREATE FUNCTION search_grams(t text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    grams text[] := '{{}}';
    previous text := '';
    c text;
BEGIN
    FOREACH c IN ARRAY string_to_array(t, NULL) LOOP
        IF c = {SEPARATOR} THEN
            previous := '';
            CONTINUE;
        END IF;
        grams := grams || c;
        IF previous <> '' THEN
            grams := grams || (previous || c);
        END IF;
        previous := c;
    END LOOP;
    RETURN grams;
END
$$;

-- What a studio is found by: its own name, its leader's and its unit's.
CREATE FUNCTION search_studio_text(studio_name text, leader bigint, unit bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT lower(concat_ws({SEPARATOR}, studio_name,
                           (SELECT name FROM studios_leader WHERE id = leader),
                           (SELECT name FROM unions_union WHERE id = unit)))
$$;

-- What an application is found by: its leader's name and its unit's.
CREATE FUNCTION search_application_text(leader_name text, unit bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT lower(concat_ws({SEPARATOR}, leader_name, (SELECT name FROM unions_union WHERE id = unit)))
$$;

CREATE FUNCTION search_studio_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_text := search_studio_text(NEW.name, NEW.leader_id, NEW.unit_id);
    RETURN NEW;
END
$$;

CREATE FUNCTION search_application_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_text := search_application_text(NEW.leader_name, NEW.unit_id);
    RETURN NEW;
END
$$;

-- A leader renamed (or written after its studios, as a restore may): its studios' text follows.
CREATE FUNCTION search_leader_named() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE studios_studio SET search_text = search_studio_text(name, leader_id, unit_id) WHERE leader_id = NEW.id;
    RETURN NULL;
END
$$;

-- A union renamed (or written after its rows): its studios' and applications' text follows.
CREATE FUNCTION search_union_named() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE studios_studio SET search_text = search_studio_text(name, leader_id, unit_id) WHERE unit_id = NEW.id;
    UPDATE reviews_application SET search_text = search_application_text(leader_name, unit_id)
        WHERE unit_id = NEW.id;
    RETURN NULL;
END
$$;
"""

DROP_FUNCTIONS = """
DROP FUNCTION search_union_named();
DROP FUNCTION search_leader_named();
DROP FUNCTION search_application_row();
DROP FUNCTION search_studio_row();
DROP FUNCTION search_application_text(text, bigint);
DROP FUNCTION search_studio_text(text, bigint, bigint);
DROP FUNCTION search_grams(text);
"""


def column(table, text):
    """The search columns of `table` and their indexes; `text` is the generation expression, or None when
    triggers set it (a plain column then)."""
    kind = f"GENERATED ALWAYS AS ({text}) STORED" if text else "NOT NULL DEFAULT ''"
    # A generated column cannot read another one: the pieces are generated from the same expression. Stored,
    # because computing them for each row a query reads is far slower than reading them.
    return f"""
ALTER TABLE {table} ADD COLUMN search_text text {kind};
ALTER TABLE {table} ADD COLUMN search_grams tsvector
    GENERATED ALWAYS AS (array_to_tsvector(search_grams({text or "search_text"}))) STORED;
CREATE INDEX {table}_search_text ON {table} USING gin (search_text gin_trgm_ops);
CREATE INDEX {table}_search_grams ON {table} USING gin (search_grams);
-- Finer statistics: with the default, a piece found in no sampled row is guessed in 0.5% of them, and the planner
-- walks the list's order hoping to fill a page early, through every row when nothing matches.
ALTER TABLE {table} ALTER COLUMN search_grams SET STATISTICS 1000, ALTER COLUMN search_text SET STATISTICS 1000;
"""


def drop_column(table):
    return f"ALTER TABLE {table} DROP COLUMN search_grams, DROP COLUMN search_text;"


TABLES = f"""
{column("unions_union", "lower(name)")}
{column("studios_leader", "lower(name)")}
{column("studios_member", "lower(name)")}
{column("studios_studio", None)}
{column("reviews_application", None)}

CREATE TRIGGER search_text BEFORE INSERT OR UPDATE OF name, leader_id, unit_id ON studios_studio
    FOR EACH ROW EXECUTE FUNCTION search_studio_row();
CREATE TRIGGER search_text BEFORE INSERT OR UPDATE OF leader_name, unit_id ON reviews_application
    FOR EACH ROW EXECUTE FUNCTION search_application_row();
CREATE TRIGGER search_text_of_studios AFTER INSERT ON studios_leader
    FOR EACH ROW EXECUTE FUNCTION search_leader_named();
CREATE TRIGGER search_text_of_studios_renamed AFTER UPDATE OF name ON studios_leader
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION search_leader_named();
CREATE TRIGGER search_text_of_rows AFTER INSERT ON unions_union
    FOR EACH ROW EXECUTE FUNCTION search_union_named();
CREATE TRIGGER search_text_of_rows_renamed AFTER UPDATE OF name ON unions_union
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION search_union_named();

-- The rows already there.
UPDATE studios_studio SET search_text = search_studio_text(name, leader_id, unit_id);
UPDATE reviews_application SET search_text = search_application_text(leader_name, unit_id);
"""

DROP_TABLES = f"""
DROP TRIGGER search_text_of_rows_renamed ON unions_union;
DROP TRIGGER search_text_of_rows ON unions_union;
DROP TRIGGER search_text_of_studios_renamed ON studios_leader;
DROP TRIGGER search_text_of_studios ON studios_leader;
DROP TRIGGER search_text ON reviews_application;
DROP TRIGGER search_text ON studios_studio;
{drop_column("reviews_application")}
{drop_column("studios_studio")}
{drop_column("studios_member")}
{drop_column("studios_leader")}
{drop_column("unions_union")}
"""


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0004_keyset_order"),
        ("unions", "0003_encrypt_phones"),
        ("studios", "0006_personal_data"),
        ("reviews", "0007_personal_data"),
    ]

    operations = [
        TrigramExtension(),
        PostgresSQL(FUNCTIONS, DROP_FUNCTIONS),
        PostgresSQL(TABLES, DROP_TABLES),
    ]

"""A leader is found by its own name or its unit's through one indexed column, as a studio is (core/search.py).

Migration 0005 generated a leader's `search_text` from its own name, and core/search.py joined a second search,
over the units' names, by UNION: a piece found in many units' names (工会) then made PostgreSQL sort every
matching leader before taking a page. Now `search_text` holds both names, set by a trigger as the studios' is,
and the union's rename trigger updates its leaders too. On SQLite this migration does nothing.
"""
from django.db import migrations

from core.postgres_sql import PostgresSQL

SEPARATOR = r"E'\x1f'"

FORWARDS = rf"""
-- The leaders' update below queues the deferred foreign keys' checks, and no index can be built on a table with
-- checks pending: they run as each row is written instead.
SET CONSTRAINTS ALL IMMEDIATE;

CREATE FUNCTION search_leader_text(leader_name text, unit bigint) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT lower(concat_ws({SEPARATOR}, leader_name, (SELECT name FROM unions_union WHERE id = unit)))
$$;

CREATE FUNCTION search_leader_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_text := search_leader_text(NEW.name, NEW.unit_id);
    RETURN NEW;
END
$$;

-- A union renamed (or written after its rows): its studios', applications' and now leaders' text follows.
CREATE OR REPLACE FUNCTION search_union_named() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE studios_studio SET search_text = search_studio_text(name, leader_id, unit_id) WHERE unit_id = NEW.id;
    UPDATE reviews_application SET search_text = search_application_text(leader_name, unit_id)
        WHERE unit_id = NEW.id;
    UPDATE studios_leader SET search_text = search_leader_text(name, unit_id) WHERE unit_id = NEW.id;
    RETURN NULL;
END
$$;

ALTER TABLE studios_leader DROP COLUMN search_grams, DROP COLUMN search_text;
ALTER TABLE studios_leader ADD COLUMN search_text text NOT NULL DEFAULT '';
ALTER TABLE studios_leader ADD COLUMN search_grams tsvector
    GENERATED ALWAYS AS (array_to_tsvector(search_grams(search_text))) STORED;
CREATE TRIGGER search_text BEFORE INSERT OR UPDATE OF name, unit_id ON studios_leader
    FOR EACH ROW EXECUTE FUNCTION search_leader_row();
UPDATE studios_leader SET search_text = search_leader_text(name, unit_id);
CREATE INDEX studios_leader_search_text ON studios_leader USING gin (search_text gin_trgm_ops);
CREATE INDEX studios_leader_search_grams ON studios_leader USING gin (search_grams);
ALTER TABLE studios_leader ALTER COLUMN search_grams SET STATISTICS 1000, ALTER COLUMN search_text SET STATISTICS 1000;
SET CONSTRAINTS ALL DEFERRED;
"""

BACKWARDS = r"""
DROP TRIGGER search_text ON studios_leader;
ALTER TABLE studios_leader DROP COLUMN search_grams, DROP COLUMN search_text;
ALTER TABLE studios_leader ADD COLUMN search_text text GENERATED ALWAYS AS (lower(name)) STORED;
ALTER TABLE studios_leader ADD COLUMN search_grams tsvector
    GENERATED ALWAYS AS (array_to_tsvector(search_grams(lower(name)))) STORED;
CREATE INDEX studios_leader_search_text ON studios_leader USING gin (search_text gin_trgm_ops);
CREATE INDEX studios_leader_search_grams ON studios_leader USING gin (search_grams);
ALTER TABLE studios_leader ALTER COLUMN search_grams SET STATISTICS 1000, ALTER COLUMN search_text SET STATISTICS 1000;
CREATE OR REPLACE FUNCTION search_union_named() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE studios_studio SET search_text = search_studio_text(name, leader_id, unit_id) WHERE unit_id = NEW.id;
    UPDATE reviews_application SET search_text = search_application_text(leader_name, unit_id)
        WHERE unit_id = NEW.id;
    RETURN NULL;
END
$$;
DROP FUNCTION search_leader_row();
DROP FUNCTION search_leader_text(text, bigint);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0005_search_names"),
    ]

    operations = [PostgresSQL(FORWARDS, BACKWARDS)]

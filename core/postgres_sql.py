"""A migration operation for raw SQL that only PostgreSQL runs: the search columns, their triggers and indexes
(core/migrations/0005 and 0006), which SQLite, the embedded default, does without (core/search.py)."""
from django.db import migrations


class PostgresSQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

"""pg_trgm on PostgreSQL, for the search columns' trigram indexes (a trusted extension since PostgreSQL
13: the database's owner may create it). Nothing on SQLite."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("zones_portal", "0006_historicalapitoken_historicalmembership")]

    operations = [TrigramExtension()]

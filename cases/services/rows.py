"""Set-based row writes for the services' batch paths."""

from django.db import connection


def update_rows(model, objs, fields) -> None:
    """Store `fields` of each of `objs` (saved instances of `model`) with one UPDATE statement run
    for every row (`executemany`): each value prepared by its field as `save()` prepares it, and
    no per-field CASE expression to build, as `bulk_update` does. Skips signals and `auto_now`:
    callers set what the change sets."""
    objs = list(objs)
    if not objs:
        return
    columns = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    sql = (f"UPDATE {quote(model._meta.db_table)} SET "  # noqa: S608 - names from the model's own meta
           f"{', '.join(f'{quote(field.column)} = %s' for field in columns)} WHERE {quote(pk.column)} = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns]
                                 + [pk.get_db_prep_save(obj.pk, connection)] for obj in objs])

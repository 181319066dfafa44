"""Supervisors manage webhook endpoints (the `manage_webhooks` permission, cases/roles.py)."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("cases")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="cases", codename="manage_webhooks")
    for group in Group.objects.filter(name="supervisor"):
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_webhooks")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]

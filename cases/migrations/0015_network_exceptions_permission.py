from django.db import migrations


def refresh_roles(apps, schema_editor):
    """Give supervisors the new `view_network_exceptions` permission (created here, as in 0011)."""
    from django.contrib.auth.management import create_permissions

    from cases.roles import ensure_roles

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0014_user_profile"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="networksubmission",
            options={"ordering": ["created", "id"],
                     "permissions": [("view_network_exceptions",
                                      "Can see failed network submissions and unmatched messages")]},
        ),
        migrations.RunPython(refresh_roles, migrations.RunPython.noop),
    ]

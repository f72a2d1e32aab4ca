"""The five role groups with the permissions of DESIGN.md's "Access" table.

`unions.access.sync_role_groups` holds the table; it runs again after every `migrate`
(post_migrate), so models added later get their permissions without another migration.
"""

from django.db import migrations

ROLE_NAMES = [
    "province_admin",
    "district_staff",
    "zone_staff",
    "party_viewer_province",
    "party_viewer_district",
]


def create_roles(apps, schema_editor):
    from unions.access import create_all_permissions, sync_role_groups

    using = schema_editor.connection.alias
    # Permissions are normally created after the whole migrate; the groups need them now.
    create_all_permissions(apps=apps, using=using)
    sync_role_groups(apps=apps, using=using)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLE_NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("unions", "0004_add_read_log"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]

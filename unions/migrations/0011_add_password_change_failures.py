"""Wrong current passwords on the password-change form, one row per user (unions.web.password_change)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('unions', '0010_headcount_without_database_constraint'),
    ]

    operations = [
        migrations.CreateModel(
            name='PasswordChangeFailures',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ('count', models.PositiveSmallIntegerField(default=0, verbose_name='wrong current passwords')),
                ('last_at', models.DateTimeField(verbose_name='last wrong password at')),
            ],
            options={
                'verbose_name': 'password-change failures',
                'verbose_name_plural': 'password-change failures',
            },
        ),
    ]

"""One-time codes a provincial admin issues for setting up a second factor (unions.access.second_factor)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('unions', '0011_add_password_change_failures'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SecondFactorEnrolment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code_digest', models.CharField(editable=False, max_length=64)),
                ('issued_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='issued at')),
                ('expires_at', models.DateTimeField(verbose_name='valid until')),
                ('used_at', models.DateTimeField(blank=True, null=True, verbose_name='used at')),
                ('failed_attempts', models.PositiveSmallIntegerField(default=0, verbose_name='wrong codes typed')),
                ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='issued by')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='second_factor_enrolments', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'two-factor set-up code',
                'verbose_name_plural': 'two-factor set-up codes',
                'ordering': ['-issued_at'],
            },
        ),
    ]

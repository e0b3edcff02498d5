"""School, klassen, leerbedrijven, praktijkopleiders, BPV-periodes, enrolments and assessor
assignments move here from portfolios and assessments, keeping their tables and rows.

State only (SeparateDatabaseAndState): the tables stay where portfolios 0002/0003 and
assessments 0001 made them; portfolios 0004, assessments 0003 and reports 0002 point their
foreign keys here and forget the old models. Content types are renamed, so permissions that
beheerders hold and admin log entries keep pointing at the same models.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = {
    "portfolios": ["school", "cohort", "leerbedrijf", "praktijkopleider", "bpvperiode", "enrolment", "user"],
    "assessments": ["assessorassignment"],
}


def rename_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, names in MOVED.items():
        for name in names:
            if ContentType.objects.filter(app_label="organisation", model=name).exists():
                continue
            ContentType.objects.filter(app_label=old_app, model=name).update(
                app_label="organisation"
            )


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old_app, names in MOVED.items():
        ContentType.objects.filter(app_label="organisation", model__in=names).update(
            app_label=old_app
        )


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("qualifications", "0001_initial"),
        ("portfolios", "0003_notifications_thumbnails"),
        ("assessments", "0002_append_only_triggers"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Leerbedrijf',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=255, verbose_name='naam')),
                        ('sbb_number', models.CharField(blank=True, db_index=True, max_length=32, verbose_name='SBB-erkenningsnummer')),
                    ],
                    options={
                        'verbose_name': 'leerbedrijf',
                        'verbose_name_plural': 'leerbedrijven',
                        'db_table': 'portfolios_leerbedrijf',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='School',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=255, unique=True, verbose_name='naam')),
                        ('brin', models.CharField(blank=True, max_length=8, verbose_name='BRIN-code')),
                    ],
                    options={
                        'verbose_name': 'school',
                        'verbose_name_plural': 'scholen',
                        'db_table': 'portfolios_school',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Cohort',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='naam')),
                        ('start_year', models.PositiveSmallIntegerField(verbose_name='startjaar')),
                        ('mentors', models.ManyToManyField(blank=True, limit_choices_to={'role': 'docent'}, related_name='mentor_of', to=settings.AUTH_USER_MODEL, verbose_name='mentoren')),
                        ('qualification', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cohorts', to='qualifications.qualification', verbose_name='kwalificatie')),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cohorts', to='organisation.school')),
                    ],
                    options={
                        'verbose_name': 'klas',
                        'verbose_name_plural': 'klassen',
                        'db_table': 'portfolios_cohort',
                        'ordering': ['-start_year', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='Enrolment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('started_on', models.DateField(verbose_name='startdatum')),
                        ('ended_on', models.DateField(blank=True, null=True, verbose_name='einddatum')),
                        ('cohort', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='organisation.cohort', verbose_name='klas')),
                        ('qualification', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='qualifications.qualification')),
                        ('student', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enrolments', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'inschrijving',
                        'verbose_name_plural': 'inschrijvingen',
                        'db_table': 'portfolios_enrolment',
                        'ordering': ['-started_on'],
                    },
                ),
                migrations.CreateModel(
                    name='Praktijkopleider',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('phone', models.CharField(blank=True, max_length=32, verbose_name='telefoon')),
                        ('daily_digest', models.BooleanField(default=False, help_text='Eén e-mail per dag in plaats van een e-mail bij elke inzending.', verbose_name='dagelijks overzicht')),
                        ('leerbedrijf', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='praktijkopleiders', to='organisation.leerbedrijf')),
                        ('user', models.OneToOneField(limit_choices_to={'role': 'praktijkopleider'}, on_delete=django.db.models.deletion.PROTECT, related_name='praktijkopleider', to=settings.AUTH_USER_MODEL, verbose_name='gebruiker')),
                    ],
                    options={
                        'verbose_name': 'praktijkopleider',
                        'verbose_name_plural': 'praktijkopleiders',
                        'db_table': 'portfolios_praktijkopleider',
                        'ordering': ['user__last_name', 'user__username'],
                    },
                ),
                migrations.CreateModel(
                    name='BpvPeriode',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('starts_on', models.DateField(verbose_name='begindatum')),
                        ('ends_on', models.DateField(blank=True, null=True, verbose_name='einddatum')),
                        ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bpv_periodes', to='organisation.enrolment')),
                        ('leerbedrijf', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bpv_periodes', to='organisation.leerbedrijf')),
                        ('praktijkopleider', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bpv_periodes', to='organisation.praktijkopleider')),
                    ],
                    options={
                        'verbose_name': 'BPV-periode',
                        'verbose_name_plural': 'BPV-periodes',
                        'db_table': 'portfolios_bpvperiode',
                        'ordering': ['-starts_on'],
                    },
                ),
                migrations.CreateModel(
                    name='AssessorAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('assessor', models.ForeignKey(limit_choices_to={'role': 'assessor'}, on_delete=django.db.models.deletion.CASCADE, related_name='assessor_assignments', to=settings.AUTH_USER_MODEL, verbose_name='assessor')),
                        ('cohort', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessor_assignments', to='organisation.cohort', verbose_name='klas')),
                    ],
                    options={
                        'verbose_name': 'toewijzing assessor',
                        'verbose_name_plural': 'toewijzingen assessoren',
                        'db_table': 'assessments_assessorassignment',
                        'constraints': [models.UniqueConstraint(fields=('assessor', 'cohort'), name='assessor_cohort_uniq')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='enrolment',
                    constraint=models.UniqueConstraint(fields=('student', 'qualification'), name='enrolment_student_qualification_uniq'),
                ),
                migrations.AddIndex(
                    model_name='bpvperiode',
                    index=models.Index(fields=['praktijkopleider', 'starts_on'], name='portfolios__praktij_aa4679_idx'),
                ),
                migrations.AddConstraint(
                    model_name='cohort',
                    constraint=models.UniqueConstraint(fields=('school', 'name', 'start_year'), name='cohort_school_name_year_uniq'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]

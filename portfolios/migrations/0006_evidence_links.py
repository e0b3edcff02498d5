"""One bewijsstuk, several werkprocessen: a link per werkproces with its gedrag.

Every existing bewijsstuk (and every submitted version) gets one link, to the werkproces it
had, holding the gedrag it had; 0007 then drops the old criteria fields. The frozen links of
versions are insert-only on PostgreSQL, like the versions themselves (0005).
"""

import django.db.models.deletion
from django.db import migrations, models

from config.append_only import protect

BATCH = 2000


def link_existing_evidence(apps, schema_editor):
    """One link per bewijsstuk and per version, with the gedrag tagged on it."""
    db = schema_editor.connection.alias
    Evidence = apps.get_model("portfolios", "Evidence")
    EvidenceVersion = apps.get_model("portfolios", "EvidenceVersion")
    EvidenceLink = apps.get_model("portfolios", "EvidenceLink")
    EvidenceVersionLink = apps.get_model("portfolios", "EvidenceVersionLink")
    jobs = [
        (Evidence, "evidence", EvidenceLink, "werkproces_id"),
        (EvidenceVersion, "version", EvidenceVersionLink, "evidence__werkproces_id"),
    ]
    for model, owner, link_model, werkproces_path in jobs:
        old_through = model.criteria.through
        new_through = link_model.criteria.through
        owner_column = f"{model._meta.model_name}_id"
        rows = model.objects.using(db).order_by("pk").values_list("pk", werkproces_path)
        for start in range(0, rows.count(), BATCH):
            chunk = list(rows[start : start + BATCH])
            if not chunk:
                break
            links = link_model.objects.using(db).bulk_create(
                [link_model(**{f"{owner}_id": pk, "werkproces_id": wp}) for pk, wp in chunk]
            )
            if links and links[0].pk is None:  # backends without RETURNING
                links = list(
                    link_model.objects.using(db).filter(
                        **{f"{owner}_id__in": [pk for pk, _wp in chunk]}
                    )
                )
            link_of = {getattr(link, f"{owner}_id"): link.pk for link in links}
            tagged = old_through.objects.using(db).filter(**{f"{owner_column}__in": list(link_of)})
            new_through.objects.using(db).bulk_create(
                [
                    new_through(
                        **{
                            f"{link_model._meta.model_name}_id": link_of[row[owner_column]],
                            "criterion_id": row["criterion_id"],
                        }
                    )
                    for row in tagged.values(owner_column, "criterion_id")
                ]
            )


    _check_now(schema_editor)


def unlink_evidence(apps, schema_editor):
    """Back to one werkproces: the gedrag of the main werkproces's link returns to the
    bewijsstuk (and version); links to other werkprocessen are lost, as that layout had none."""
    db = schema_editor.connection.alias
    jobs = [
        ("Evidence", "EvidenceLink", "evidence", "evidence__werkproces_id"),
        ("EvidenceVersion", "EvidenceVersionLink", "version", "version__evidence__werkproces_id"),
    ]
    for model_name, link_name, owner, main_path in jobs:
        model = apps.get_model("portfolios", model_name)
        link_model = apps.get_model("portfolios", link_name)
        old_through = model.criteria.through
        new_through = link_model.criteria.through
        owner_column = f"{model._meta.model_name}_id"
        link_column = f"{link_model._meta.model_name}__{owner}_id"
        main = new_through.objects.using(db).filter(
            **{
                f"{link_model._meta.model_name}__werkproces_id": models.F(
                    f"{link_model._meta.model_name}__{main_path}"
                )
            }
        )
        old_through.objects.using(db).bulk_create(
            [
                old_through(**{owner_column: owner_pk, "criterion_id": criterion_pk})
                for owner_pk, criterion_pk in main.values_list(link_column, "criterion_id")
            ],
            ignore_conflicts=True,
        )
        new_through.objects.using(db).all().delete()
        link_model.objects.using(db).all().delete()
    _check_now(schema_editor)


def _check_now(schema_editor):
    # PostgreSQL checks foreign keys at commit; the tables these rows touch are dropped in
    # this same transaction, which it refuses while checks are pending. Run them now.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("portfolios", "0005_append_only_history"),
        ("qualifications", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="evidence",
            name="werkproces",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="evidence",
                to="qualifications.werkproces",
                verbose_name="hoofdwerkproces",
            ),
        ),
        migrations.CreateModel(
            name="EvidenceLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "criteria",
                    models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="qualifications.criterion",
                        verbose_name="gedrag",
                    ),
                ),
                (
                    "evidence",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="wp_links",
                        to="portfolios.evidence",
                    ),
                ),
                (
                    "werkproces",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="evidence_links",
                        to="qualifications.werkproces",
                    ),
                ),
            ],
            options={
                "verbose_name": "werkproces van een bewijsstuk",
                "verbose_name_plural": "werkprocessen van bewijsstukken",
                "indexes": [
                    models.Index(
                        fields=["werkproces", "evidence"], name="portfolios__werkpro_eeee21_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("evidence", "werkproces"), name="evidence_link_uniq"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="EvidenceVersionLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "criteria",
                    models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="qualifications.criterion",
                        verbose_name="gedrag",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="wp_links",
                        to="portfolios.evidenceversion",
                    ),
                ),
                (
                    "werkproces",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="qualifications.werkproces",
                    ),
                ),
            ],
            options={
                "verbose_name": "werkproces van een versie",
                "verbose_name_plural": "werkprocessen van versies",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("version", "werkproces"), name="evidence_version_link_uniq"
                    )
                ],
            },
        ),
        migrations.RunPython(link_existing_evidence, unlink_evidence),
        # Last, so that going back lifts the protection before the links are removed.
        protect(["portfolios_evidenceversionlink", "portfolios_evidenceversionlink_criteria"]),
    ]

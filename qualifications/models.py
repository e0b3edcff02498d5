"""The kwalificatiedossier as reference data.

This module stays whole: its models are one tree, read together everywhere, and splitting it
would only scatter the Meta orderings and natural keys that the fixtures depend on.

One model serves both frameworks. An SBB kwalificatiedossier is
dossier -> kwalificatie (profiel) -> kerntaak (basisdeel or profieldeel) -> werkproces ->
gedrag criteria and competenties. A Flemish beroepskwalificatie maps onto the same tree: the
BK is a dossier with one kwalificatie, its activiteiten are the werkprocessen (the assessable
units) under one kerntaak, and its deelactiviteiten are the criteria, each with a vaardigheid
type.

Profiel-specific additions ("Voor ... geldt aanvullend") are rows that name the kwalificatie
they apply to; rows without one apply to every kwalificatie of the dossier. That keeps "which
criteria apply to kwalificatie X for werkproces Y" a single indexed query.

Every row has a natural key, so fixtures load twice without creating duplicates.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Framework(models.TextChoices):
    SBB = "sbb", _("Kwalificatiedossier (SBB, mbo)")
    BK = "bk", _("Beroepskwalificatie (Vlaanderen)")


# The words each framework uses for the same levels of the tree, so the UI speaks the
# dossier's own language.
TERMS = {
    Framework.SBB: {
        "kerntaak": _("Kerntaak"),
        "kerntaken": _("Kerntaken"),
        "werkproces": _("Werkproces"),
        "werkprocessen": _("Werkprocessen"),
        "criterion": _("Gedrag"),
        "criteria": _("Gedrag"),
        "knowledge": _("Vakkennis en vaardigheden"),
    },
    Framework.BK: {
        "kerntaak": _("Activiteitenblok"),
        "kerntaken": _("Activiteiten"),
        "werkproces": _("Activiteit"),
        "werkprocessen": _("Activiteiten"),
        "criterion": _("Deelactiviteit"),
        "criteria": _("Deelactiviteiten"),
        "knowledge": _("Kenniselementen"),
    },
}


class DossierManager(models.Manager):
    def get_by_natural_key(self, code, version):
        return self.get(code=code, version=version)


class Dossier(models.Model):
    class Status(models.TextChoices):
        CONCEPT = "concept", _("Concept")
        VASTGESTELD = "vastgesteld", _("Vastgesteld")
        VERVALLEN = "vervallen", _("Vervallen")

    framework = models.CharField(_("kader"), max_length=8, choices=Framework.choices)
    code = models.CharField(
        _("crebo of code"), max_length=32, help_text=_("Dossiercrebo, of de BK-code.")
    )
    version = models.PositiveIntegerField(_("versie"), default=1)
    title = models.CharField(_("titel"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.VASTGESTELD
    )
    opleidingsdomein = models.CharField(_("opleidingsdomein"), max_length=255, blank=True)
    opleidingsdomein_crebo = models.CharField(
        _("crebo opleidingsdomein"), max_length=16, blank=True
    )
    sectorkamer = models.CharField(_("penvoerder / sectorkamer"), max_length=255, blank=True)
    validated_on = models.DateField(_("gevalideerd op"), null=True, blank=True)
    valid_from = models.DateField(_("geldig vanaf"), null=True, blank=True)
    end_of_intake = models.DateField(_("datum einde instroom"), null=True, blank=True)
    end_of_training = models.DateField(_("datum einde opleiding"), null=True, blank=True)
    typering = models.TextField(
        _("typering"),
        blank=True,
        help_text=_("Typering van de beroepengroep, of de definitie van het beroep."),
    )
    source = models.CharField(_("bron"), max_length=255, blank=True)
    content_hash = models.CharField(
        _("inhoudsvingerafdruk"),
        max_length=64,
        blank=True,
        help_text=_("Vingerafdruk van de bron, om een gewijzigde versie te herkennen."),
    )
    imported_at = models.DateTimeField(_("geïmporteerd op"), default=timezone.now)

    objects = DossierManager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["title", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="dossier_code_version_uniq")
        ]

    def __str__(self):
        return f"{self.title} ({self.code}, v{self.version})"

    def natural_key(self):
        return (self.code, self.version)

    @property
    def terms(self):
        return TERMS[self.framework]


class CompetentieManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Competentie(models.Model):
    """One of the 25 SBB competenties (A to Y), shared by every dossier."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    title = models.CharField(_("titel"), max_length=255, unique=True)
    sbb_nr = models.PositiveIntegerField(_("SBB-nummer"), null=True, blank=True)

    objects = CompetentieManager()

    class Meta:
        verbose_name = _("competentie")
        verbose_name_plural = _("competenties")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}. {self.title}"

    def natural_key(self):
        return (self.code,)


class QualificationManager(models.Manager):
    def get_by_natural_key(self, dossier_code, dossier_version, code):
        return self.get(dossier__code=dossier_code, dossier__version=dossier_version, code=code)


class Qualification(models.Model):
    """A kwalificatie: basisdeel plus one profiel, with its own crebo and niveau.

    For a beroepskwalificatie there is exactly one, whose code is the BK code.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="qualifications")
    code = models.CharField(
        _("profielcode"), max_length=32, help_text=_("P1, P2, ... of de BK-code.")
    )
    crebo = models.CharField(_("crebo"), max_length=32, blank=True, db_index=True)
    title = models.CharField(_("titel"), max_length=255)
    niveau = models.PositiveSmallIntegerField(_("niveau"), null=True, blank=True)
    typering = models.TextField(_("typering van het beroep"), blank=True)
    beroepsvereisten = models.TextField(_("beroepsvereisten"), blank=True)
    context = models.TextField(_("context"), blank=True)
    autonomie = models.TextField(_("autonomie"), blank=True)
    verantwoordelijkheid = models.TextField(_("verantwoordelijkheid"), blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    objects = QualificationManager()

    class Meta:
        verbose_name = _("kwalificatie")
        verbose_name_plural = _("kwalificaties")
        ordering = ["dossier__title", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "code"], name="qualification_code_uniq")
        ]

    def __str__(self):
        crebo = f" ({self.crebo})" if self.crebo else ""
        return f"{self.title}{crebo}"

    def natural_key(self):
        return (*self.dossier.natural_key(), self.code)

    natural_key.dependencies = ["qualifications.dossier"]

    @property
    def identifier(self):
        """What export_qualification and the UI show as this kwalificatie's number."""
        return self.crebo or self.code


class KerntaakManager(models.Manager):
    def get_by_natural_key(self, dossier_code, dossier_version, code):
        return self.get(dossier__code=dossier_code, dossier__version=dossier_version, code=code)


class Kerntaak(models.Model):
    class Part(models.TextChoices):
        BASISDEEL = "basisdeel", _("Basisdeel")
        PROFIELDEEL = "profieldeel", _("Profieldeel")
        BEROEPSKWALIFICATIE = "beroepskwalificatie", _("Beroepskwalificatie")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="kerntaken")
    part = models.CharField(_("deel"), max_length=24, choices=Part.choices)
    qualification = models.ForeignKey(
        Qualification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="profiel_kerntaken",
        help_text=_("Alleen voor het profieldeel: het profiel waartoe deze kerntaak hoort."),
    )
    code = models.CharField(_("code"), max_length=32)
    title = models.CharField(_("titel"), max_length=500)
    complexiteit = models.TextField(_("complexiteit"), blank=True)
    verantwoordelijkheid = models.TextField(
        _("verantwoordelijkheid en zelfstandigheid"), blank=True
    )
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    objects = KerntaakManager()

    class Meta:
        verbose_name = _("kerntaak")
        verbose_name_plural = _("kerntaken")
        ordering = ["dossier", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "code"], name="kerntaak_code_uniq"),
            models.CheckConstraint(
                condition=Q(part="profieldeel", qualification__isnull=False)
                | (~Q(part="profieldeel") & Q(qualification__isnull=True)),
                name="kerntaak_profieldeel_has_profiel",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def natural_key(self):
        return (*self.dossier.natural_key(), self.code)

    natural_key.dependencies = ["qualifications.dossier", "qualifications.qualification"]


class WerkprocesManager(models.Manager):
    def get_by_natural_key(self, dossier_code, dossier_version, kerntaak_code, code):
        return self.get(
            kerntaak__dossier__code=dossier_code,
            kerntaak__dossier__version=dossier_version,
            kerntaak__code=kerntaak_code,
            code=code,
        )


class Werkproces(models.Model):
    """A werkproces, or for a beroepskwalificatie an activiteit: the unit that is assessed."""

    kerntaak = models.ForeignKey(Kerntaak, on_delete=models.CASCADE, related_name="werkprocessen")
    code = models.CharField(_("code"), max_length=32)
    title = models.CharField(_("titel"), max_length=500)
    omschrijving = models.TextField(_("omschrijving"), blank=True)
    resultaat = models.TextField(_("resultaat"), blank=True)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    objects = WerkprocesManager()

    class Meta:
        verbose_name = _("werkproces")
        verbose_name_plural = _("werkprocessen")
        ordering = ["kerntaak", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kerntaak", "code"], name="werkproces_code_uniq")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def natural_key(self):
        return (*self.kerntaak.natural_key(), self.code)

    natural_key.dependencies = ["qualifications.kerntaak"]


class WerkprocesPartManager(models.Manager):
    """Natural key of rows that hang off a werkproces by position."""

    def get_by_natural_key(self, dossier_code, dossier_version, kerntaak_code, wp_code, position):
        return self.get(
            werkproces__kerntaak__dossier__code=dossier_code,
            werkproces__kerntaak__dossier__version=dossier_version,
            werkproces__kerntaak__code=kerntaak_code,
            werkproces__code=wp_code,
            position=position,
        )


class Criterion(models.Model):
    """A gedrag line (SBB) or a deelactiviteit (BK), in document order."""

    class SkillType(models.TextChoices):
        NONE = "", _("—")
        COGNITIEF = "cognitief", _("Cognitieve vaardigheid")
        PROBLEEMOPLOSSEND = "probleemoplossend", _("Probleemoplossende vaardigheid")
        MOTORISCH = "motorisch", _("Motorische vaardigheid")

    werkproces = models.ForeignKey(Werkproces, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("volgorde"))
    text = models.TextField(_("tekst"))
    qualification = models.ForeignKey(
        Qualification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="criterion_additions",
        verbose_name=_("alleen voor kwalificatie"),
        help_text=_("Leeg: geldt voor elke kwalificatie. Gevuld: aanvulling voor dit profiel."),
    )
    skill_type = models.CharField(
        _("vaardigheid"), max_length=20, choices=SkillType.choices, blank=True, default=""
    )

    objects = WerkprocesPartManager()

    class Meta:
        verbose_name = _("criterium")
        verbose_name_plural = _("criteria")
        ordering = ["werkproces", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["werkproces", "position"], name="criterion_position_uniq"
            )
        ]
        indexes = [models.Index(fields=["werkproces", "qualification", "position"])]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (*self.werkproces.natural_key(), self.position)

    natural_key.dependencies = ["qualifications.werkproces", "qualifications.qualification"]


class WerkprocesCompetentie(models.Model):
    werkproces = models.ForeignKey(
        Werkproces, on_delete=models.CASCADE, related_name="competentie_links"
    )
    position = models.PositiveSmallIntegerField(_("volgorde"))
    competentie = models.ForeignKey(Competentie, on_delete=models.PROTECT, related_name="+")
    qualification = models.ForeignKey(
        Qualification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="competentie_additions",
        verbose_name=_("alleen voor kwalificatie"),
    )

    objects = WerkprocesPartManager()

    class Meta:
        verbose_name = _("onderliggende competentie")
        verbose_name_plural = _("onderliggende competenties")
        ordering = ["werkproces", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["werkproces", "position"], name="werkprocescompetentie_position_uniq"
            )
        ]

    def __str__(self):
        return str(self.competentie)

    def natural_key(self):
        return (*self.werkproces.natural_key(), self.position)

    natural_key.dependencies = [
        "qualifications.werkproces",
        "qualifications.competentie",
        "qualifications.qualification",
    ]


class KerntaakPartManager(models.Manager):
    def get_by_natural_key(self, dossier_code, dossier_version, kerntaak_code, position):
        return self.get(
            kerntaak__dossier__code=dossier_code,
            kerntaak__dossier__version=dossier_version,
            kerntaak__code=kerntaak_code,
            position=position,
        )


class KnowledgeItem(models.Model):
    """A line of vakkennis en vaardigheden (per kerntaak) or a kenniselement (per activiteit)."""

    kerntaak = models.ForeignKey(Kerntaak, on_delete=models.CASCADE, related_name="knowledge")
    werkproces = models.ForeignKey(
        Werkproces,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="knowledge",
        help_text=_("Alleen bij een beroepskwalificatie: de activiteit."),
    )
    position = models.PositiveSmallIntegerField(_("volgorde"))
    category = models.CharField(_("categorie"), max_length=255, blank=True)
    text = models.TextField(_("tekst"))
    qualification = models.ForeignKey(
        Qualification,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="knowledge_additions",
        verbose_name=_("alleen voor kwalificatie"),
    )

    objects = KerntaakPartManager()

    class Meta:
        verbose_name = _("vakkennis of kenniselement")
        verbose_name_plural = _("vakkennis en kenniselementen")
        ordering = ["kerntaak", "position"]
        constraints = [
            models.UniqueConstraint(fields=["kerntaak", "position"], name="knowledge_position_uniq")
        ]

    def __str__(self):
        return self.text

    def natural_key(self):
        return (*self.kerntaak.natural_key(), self.position)

    natural_key.dependencies = [
        "qualifications.kerntaak",
        "qualifications.werkproces",
        "qualifications.qualification",
    ]


class TextAddition(models.Model):
    """A profiel's addition to a text of the basisdeel ("Voor ... geldt aanvullend")."""

    class Field(models.TextChoices):
        COMPLEXITEIT = "complexiteit", _("Complexiteit")
        VERANTWOORDELIJKHEID = "verantwoordelijkheid", _("Verantwoordelijkheid en zelfstandigheid")
        OMSCHRIJVING = "omschrijving", _("Omschrijving")
        RESULTAAT = "resultaat", _("Resultaat")

    kerntaak = models.ForeignKey(Kerntaak, on_delete=models.CASCADE, related_name="additions")
    werkproces = models.ForeignKey(
        Werkproces, on_delete=models.CASCADE, null=True, blank=True, related_name="additions"
    )
    position = models.PositiveSmallIntegerField(_("volgorde"))
    field = models.CharField(_("onderdeel"), max_length=24, choices=Field.choices)
    qualification = models.ForeignKey(
        Qualification, on_delete=models.CASCADE, related_name="text_additions"
    )
    text = models.TextField(_("tekst"))

    objects = KerntaakPartManager()

    class Meta:
        verbose_name = _("aanvulling per profiel")
        verbose_name_plural = _("aanvullingen per profiel")
        ordering = ["kerntaak", "position"]
        constraints = [
            models.UniqueConstraint(fields=["kerntaak", "position"], name="addition_position_uniq")
        ]

    def __str__(self):
        return f"{self.get_field_display()}: {self.qualification}"

    def natural_key(self):
        return (*self.kerntaak.natural_key(), self.position)

    natural_key.dependencies = [
        "qualifications.kerntaak",
        "qualifications.werkproces",
        "qualifications.qualification",
    ]


class GeneriekOnderdeelManager(models.Manager):
    def get_by_natural_key(self, dossier_code, dossier_version, position):
        return self.get(
            dossier__code=dossier_code, dossier__version=dossier_version, position=position
        )


class GeneriekOnderdeel(models.Model):
    """A generic part of the basisdeel: Nederlands, rekenen, loopbaan en burgerschap, Engels."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="generieke_onderdelen"
    )
    position = models.PositiveSmallIntegerField(_("volgorde"))
    title = models.CharField(_("titel"), max_length=255)
    text = models.TextField(_("tekst"), blank=True)
    min_niveau = models.PositiveSmallIntegerField(
        _("vanaf niveau"),
        null=True,
        blank=True,
        help_text=_("Leeg: voor elke kwalificatie. Bijvoorbeeld 4 voor Engels."),
    )

    objects = GeneriekOnderdeelManager()

    class Meta:
        verbose_name = _("generiek onderdeel")
        verbose_name_plural = _("generieke onderdelen")
        ordering = ["dossier", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "position"], name="generiek_position_uniq")
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.dossier.natural_key(), self.position)

    natural_key.dependencies = ["qualifications.dossier"]

"""The rating scales every school starts with, made by migration 0004_default_scales.

`ensure_default_scales` takes the model classes, so the migration can pass its historical
models and tests that flush the database (live-server tests) can make them again.
"""

DEFAULT_CODE = "standaard"
FOUR_POINT_CODE = "vierpunts"

DEFAULT_LEVELS = [
    (0, "Onvoldoende", "", False),
    (1, "Voldoende", "", True),
    (2, "Goed", "", True),
]
FOUR_POINT_LEVELS = [
    (0, "Onvoldoende", "Het gedrag is niet of nauwelijks zichtbaar.", False),
    (1, "Voldoende", "Het gedrag is zichtbaar, met sturing van de begeleider.", True),
    (2, "Goed", "Het gedrag is zelfstandig en in wisselende situaties zichtbaar.", True),
    (
        3,
        "Uitstekend",
        "Het gedrag is zelfstandig zichtbaar, ook in complexe situaties, en de student "
        "onderbouwt de eigen keuzes.",
        True,
    ),
]
SCALES = [
    (DEFAULT_CODE, "Onvoldoende / voldoende / goed (0–2)", DEFAULT_LEVELS),
    (FOUR_POINT_CODE, "Vierpuntsschaal (0–3)", FOUR_POINT_LEVELS),
]


def ensure_default_scales(RatingScale, RatingLevel) -> None:  # noqa: N803 (model classes)
    for code, name, levels in SCALES:
        scale, created = RatingScale.objects.get_or_create(code=code, defaults={"name": name})
        if created:
            RatingLevel.objects.bulk_create(
                RatingLevel(scale=scale, value=v, label=label, descriptor=d, passing=p)
                for v, label, d, p in levels
            )

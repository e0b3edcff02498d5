"""Forms for the dossier tree. They parse and check input; services write."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .sbb.parse import too_large_message


class SbbImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand"),
        # Only a hint for the file picker; the importer decides from the content.
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )
    dry_run = forms.BooleanField(
        label=_("Proefdraai: laat zien wat er zou veranderen, zonder iets op te slaan"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "De XML-export van SBB (kwalificatiedossiers vanaf 2015), met één of meer "
            "dossiers. Hoogstens %(limit)s."
        ) % {"limit": filesizeformat(settings.SBB_XML_MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.SBB_XML_MAX_BYTES:
            raise ValidationError(too_large_message(settings.SBB_XML_MAX_BYTES))
        return upload

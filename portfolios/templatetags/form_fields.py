"""``{{ field|bs_field }}``: crispy-forms' Bootstrap 5 field HTML, written in Python.

crispy-forms renders each field through a nest of templates (field.html, its includes, a
template per checkbox); the new-bewijsstuk form has some twenty fields (the gedrag of every
werkproces) and spent two thirds of its CPU there. This filter writes the same elements,
classes, ids, labels, legends, error blocks and aria attributes as
``crispy_bootstrap5``'s ``field.html`` with the defaults of ``|as_crispy_field`` (labels and
errors shown, no horizontal layout), for the widgets the form uses: text-like inputs and
textareas, a checkbox, a checkbox list and a file input. Any other field, or a form with a
crispy ``helper``, falls back to ``|as_crispy_field`` itself.
tests/portfolios/test_form_fields.py compares the two, field by field.
"""

import html

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

ASTERISK = '<span class="asteriskField">*</span>'


# Django's escape() and conditional_escape(), without their lazy-string wrapper: the form
# escapes some five hundred names, ids and labels, and the wrapper cost more than the escaping.
def escape(text) -> str:
    return html.escape(str(text))


def conditional_escape(text) -> str:
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


def _add_classes(widget, classes: str) -> None:
    """What crispy's ``{% crispy_field field 'class' ... %}`` does to the widget's attrs."""
    class_name = widget.__class__.__name__.lower()
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    for name in classes.split():
        if name not in css_class.split():
            css_class += f" {name}"
    widget.attrs["class"] = css_class


def _errors(field) -> str:
    if not field.errors:
        return ""
    items = "".join(
        format_html('<p id="error_{}_{}"><strong>{}</strong></p>', i, field.auto_id, error)
        for i, error in enumerate(field.errors, 1)
    )
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.errors.field_id,
        mark_safe(items),  # noqa: S308 - built with format_html above
    )


def _help(field) -> str:
    if not field.help_text:
        return ""
    id_attr = f'id="{escape(field.auto_id)}_helptext" ' if field.auto_id else ""
    return f'<div {id_attr}class="form-text">{field.help_text}</div>'


def _required(field) -> tuple[str, str]:
    return (" requiredField", ASTERISK) if field.field.required else ("", "")


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _label(field) -> tuple[str, str]:
    """The label (or fieldset and legend) above a field, and what closes it."""
    if not field.label:
        return "", ""
    required, asterisk = _required(field)
    label = conditional_escape(field.label)
    for_attr = f'for="{escape(field.id_for_label)}" ' if field.id_for_label else ""
    if field.use_fieldset:
        described = field.aria_describedby
        described = f' aria-describedby="{escape(described)}"' if described else ""
        return (
            f'<fieldset{described}><legend {for_attr}class="form-label{required} fs-6">'
            f"{label}{asterisk}</legend>",
            "</fieldset>",
        )
    return f'<label {for_attr}class="form-label{required}">{label}{asterisk}</label>', ""


def _checkbox_list(field) -> str:
    invalid = " is-invalid" if field.errors else ""
    name = escape(field.html_name)
    id_ = field.field.widget.attrs.get("id") or field.auto_id
    groups = field.field.widget.optgroups(
        field.html_name,
        field.field.widget.format_value(field.value()),
        field.build_widget_attrs({"id": id_} if id_ else {}),
    )
    parts = ["<div >"]
    for g, (group, options, _index) in enumerate(groups):
        if group:
            parts.append(f"<strong>{conditional_escape(group)}</strong>")
        for o, option in enumerate(options):
            last = o == len(options) - 1 and g == len(groups) - 1
            parts.append(
                f'<div class="form-check"><input type="{escape(option["type"])}" '
                f'class="form-check-input{invalid}"  name="{name}" '
                f'value="{conditional_escape(option["value"])}" {_attrs(option["attrs"])}>'
                f'<label for="{escape(option["attrs"].get("id", ""))}" class="form-check-label">'
                f"{conditional_escape(option['label'])}</label>"
                f"{_errors(field) if last else ''}</div>"
            )
    parts.append("</div>")
    return "".join(parts) + _help(field)


def _file(field) -> str:
    parts = []
    for widget in field.subwidgets:
        data = widget.data
        attrs = data["attrs"]
        extra = f" {attrs['class']}" if attrs.get("class") else ""
        invalid = " is-invalid" if field.errors else ""
        disabled = " disabled" if field.field.disabled else ""
        rest = _attrs({k: v for k, v in attrs.items() if k != "class"})
        wrapper = ' class="is-invalid"' if field.errors else ""
        parts.append(
            f"<div{wrapper}>"
            f'<input type="{escape(data["type"])}" name="{escape(data["name"])}" '
            f'class="form-control{escape(extra)}{invalid}"{disabled}{rest}>'
            f"{_errors(field)}{_help(field)}</div>"
        )
    return "".join(parts)


def _widget(field) -> str:
    """What ``str(field)`` writes for an input, textarea or checkbox, without the form
    renderer's templates (django/forms/widgets/input.html, textarea.html, attrs.html)."""
    widget = field.field.widget
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name, value = escape(context["name"]), context["value"]
    if isinstance(widget, forms.Textarea):
        text = conditional_escape(value) if value else ""
        return f'<textarea name="{name}"{_attrs(context["attrs"])}>\n{text}</textarea>'
    value = "" if value is None else f' value="{escape(str(value))}"'
    return (
        f'<input type="{escape(context["type"])}" name="{name}"{value}{_attrs(context["attrs"])}>'
    )


def _plain(field) -> bool:
    widget = field.field.widget
    return isinstance(widget, (forms.TextInput, forms.Textarea, forms.DateInput)) and not (
        isinstance(widget, (forms.Select, forms.MultiWidget))
    )


@register.filter
def bs_field(field):
    widget = field.field.widget
    if getattr(field.form, "helper", None) is not None or field.is_hidden:
        return as_crispy_field(field)
    css = f" {field.css_classes()}" if field.css_classes() else ""
    invalid = " is-invalid" if field.errors else ""
    if type(widget) is forms.CheckboxInput:
        required, asterisk = _required(field)
        _add_classes(widget, f"form-check-input{invalid}")
        return mark_safe(  # noqa: S308 - every part escaped above
            f'<div class="mb-3"><div id="div_{escape(field.auto_id)}" class="form-check{css}">'
            f'{_widget(field)}<label for="{escape(field.id_for_label)}" '
            f'class="form-check-label{required}">'
            f"{conditional_escape(field.label)}{asterisk}</label>"
            f"{_errors(field)}{_help(field)}</div></div>"
        )
    if type(widget) is forms.CheckboxSelectMultiple:
        inner = _checkbox_list(field)
    elif isinstance(widget, forms.FileInput) and not any(
        w.data.get("is_initial") for w in field.subwidgets
    ):
        inner = _file(field)
    elif _plain(field):
        _add_classes(widget, f"form-control{invalid}")
        inner = f"{_widget(field)}{_errors(field)}{_help(field)}"
    else:
        return as_crispy_field(field)
    label, close = _label(field)
    return mark_safe(  # noqa: S308 - every part escaped above
        f'<div id="div_{escape(field.auto_id)}" class="mb-3{css}">{label}{inner}{close}</div>'
    )

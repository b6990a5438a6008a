"""What the forms of the risk administration pages share.

The forms check the shape of what was posted (numbers are numbers, a field was chosen) and
build the arguments of the risk services, which judge the business rules; the services'
`DomainValidationError`s are put back next to the inputs they concern, so the browser and the
API (which call the same services) can never disagree.
"""
from django import forms


class PortalForm(forms.Form):
    """A form whose inputs with errors are marked for Bootstrap and assistive technologies."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                classes = attrs.get("class", "").split()
                if "is-invalid" not in classes:
                    attrs["class"] = " ".join([*classes, "is-invalid"])
                attrs.update({"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}-error"})


def service_errors_set(form: forms.Form, errors: dict) -> None:
    """Put a DomainValidationError's messages next to the inputs they concern (the rest on top)."""
    for key, messages in errors.items():
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(key if key in form.fields else None, str(message))

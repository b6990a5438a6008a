"""DRF's own messages that the API can answer with and that neither DRF's nor Django's Vietnamese
catalogue translates (DRF's has about a fifth of its messages in Vietnamese).

They are listed here only so that `makemessages` collects them into the project's catalogue
(locale/vi), which takes precedence over the catalogues of installed apps: an integrator who
asks for Vietnamese (`Accept-Language: vi`) gets every error in Vietnamese. The messages of
the declaration form are in declarations/forms.py (DRF_MESSAGES). Nothing imports this module.
"""
from django.utils.translation import gettext_noop, ngettext_lazy

DRF_API_MESSAGES = (
    # authentication and permissions (rest_framework.authentication, exceptions)
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("Incorrect authentication credentials."),
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("Invalid token header. Token string should not contain spaces."),
    gettext_noop("Invalid token header. Token string should not contain invalid characters."),
    # requests DRF cannot read (rest_framework.exceptions)
    gettext_noop("Malformed request."),
    gettext_noop('Unsupported media type "{media_type}" in request.'),
    gettext_noop("Could not satisfy the request Accept header."),
    gettext_noop("Request was throttled."),
    gettext_noop("A server error occurred."),
    gettext_noop("Invalid input."),
    # field and body validation (rest_framework.fields, serializers, relations, pagination)
    gettext_noop("Not a valid string."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("String value too large."),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop('Expected a dictionary of items but got type "{input_type}".'),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop("This selection may not be empty."),
    gettext_noop("This dictionary may not be empty."),
    gettext_noop("Ensure this field has at least {min_length} elements."),
    gettext_noop("Datetime has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Datetime value out of range."),
    gettext_noop("Expected a date but got a datetime."),
    gettext_noop("The submitted data was not a file. Check the encoding type on the form."),
    gettext_noop("Ensure this filename has at most {max_length} characters (it has {length})."),
    gettext_noop('Invalid pk "{pk_value}" - object does not exist.'),
    gettext_noop("Incorrect type. Expected pk value, received {data_type}."),
    gettext_noop("Invalid value."),
    gettext_noop("Invalid page."),
)
DRF_API_PLURALS = (
    ngettext_lazy("Expected available in {wait} second.", "Expected available in {wait} seconds.", "wait"),
)

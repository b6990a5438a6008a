"""Container numbers (ISO 6346, e.g. MSCU1234566): read, checked and compared the same way where a
declaration lists them (the form, the API) and where the gate types or scans them."""
import re

from django.utils.translation import gettext as _
from stdnum import iso6346

# A declaration lists at most this many containers (a list beyond is refused, not cut).
MAX_CONTAINERS = 200
# Typed in a box: one per line or separated by commas or semicolons (not by spaces: "MSCU 123456 6"
# is one container written in groups).
SEPARATORS = re.compile(r"[\r\n,;]+")


def container_numbers_split(text: str) -> list[str]:
    """The numbers typed in a box, as written (blank parts left out)."""
    return [part.strip() for part in SEPARATORS.split(text or "") if part.strip()]


def container_numbers_clean(values) -> tuple[list[str], list[str]]:
    """(the numbers normalised, in order: MSCU1234566; error messages). Blank entries are left out;
    a number that is not a valid ISO 6346 number (owner code, category, serial, check digit), a
    number given twice, and a list longer than MAX_CONTAINERS are each an error."""
    numbers: list[str] = []
    errors: list[str] = []
    for value in values or []:
        text = str(value or "").strip()
        if not text:
            continue
        number = iso6346.compact(text)
        if not iso6346.is_valid(number):
            errors.append(_("%(number)s is not a valid ISO 6346 container number.") % {"number": text})
        elif number in numbers:
            errors.append(_("Container %(number)s is listed twice.") % {"number": number})
        else:
            numbers.append(number)
    if len(numbers) > MAX_CONTAINERS:
        errors.append(_("At most %(max)d containers can be listed; there are %(count)d.") % {
            "max": MAX_CONTAINERS, "count": len(numbers)})
    return numbers, errors


def container_numbers_differ(*, declared: list[str], seen: list[str]) -> tuple[list[str], list[str]]:
    """(declared but not seen, seen but not declared), each in its list's order."""
    return [n for n in declared if n not in seen], [n for n in seen if n not in declared]

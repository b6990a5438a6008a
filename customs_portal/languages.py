"""Texts the portal keeps in both of its languages, and which one a reader gets.

Names of countries, currencies, units, ports and customs offices, and the names and
descriptions of risk rules, are stored twice (`<field>_vi`, `<field>_en`) rather than
translated on every request. `bilingual("name")` gives a model a `name` that reads the
active language's column, and the other one when that is empty: a rule written in one
language only still has a name in both.
"""
from django.utils.translation import get_language


def english_active() -> bool:
    """The reader's language is English (the portal's other language is Vietnamese)."""
    return (get_language() or "").startswith("en")


def in_active_language(vi: str, en: str) -> str:
    """`en` for English readers and `vi` for the others, each falling back to the other when empty."""
    if english_active():
        return en or vi
    return vi or en


def bilingual(field: str) -> property:
    """A property `field` over the columns `<field>_vi` and `<field>_en` (see the module's docstring).

    Setting it sets the active language's column, so `Model(name=...)` and
    `objects.create(name=...)` store a text in the language it was written in."""
    vi, en = f"{field}_vi", f"{field}_en"

    def read(instance) -> str:
        return in_active_language(getattr(instance, vi), getattr(instance, en))

    def write(instance, value) -> None:
        setattr(instance, en if english_active() else vi, value)

    return property(read, write, doc=f"`{vi}` or `{en}`, in the reader's language")

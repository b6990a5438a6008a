"""Record that a declaration changed (declarations/models/changes.py): one insert, in the caller's transaction."""
from declarations.models import DeclarationChange


def declaration_changed(*, declaration_id: int) -> None:
    DeclarationChange.objects.create(declaration_id=declaration_id)

"""Copy a declaration into a new draft: what the trader declared, none of what happened to it."""
from django.db import transaction
from django.utils.translation import gettext as _

from customs_portal.errors import DomainConflict
from declarations.models import Declaration
from declarations.services.declarations import declaration_as_data, declaration_create


@transaction.atomic
def declaration_copy(*, declaration: Declaration, user) -> Declaration:
    """A new draft of the same enterprise with the declaration's header and goods lines, whatever its
    status. Not copied: the number, the dates of registration and assessment, the channel, the
    documents, decisions, payments and amendments (none belong to a draft). The copy is validated
    and taxed as any new draft, today: a copy that today's rules refuse is refused with their errors."""
    if declaration.enterprise_id != user.enterprise_id:
        raise DomainConflict(_("Only a declaration of your own enterprise can be copied."))
    data = declaration_as_data(declaration=declaration, items=declaration.items.order_by("line_no"))
    return declaration_create(user=user, data=data, copied_from=declaration)

"""One filter set for the declaration list, used by the API and the browser list alike."""
import django_filters
from django.utils.translation import gettext_lazy as _

from declarations.lifecycle import Channel, Status
from declarations.models import Declaration, Direction


class DeclarationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    direction = django_filters.ChoiceFilter(choices=Direction.choices, label=_("Direction"))
    number = django_filters.CharFilter(field_name="number", lookup_expr="startswith", label=_("Number"), max_length=12)
    registered_from = django_filters.DateFilter(field_name="registered_at", lookup_expr="date__gte", label=_("Registered from"))
    registered_to = django_filters.DateFilter(field_name="registered_at", lookup_expr="date__lte", label=_("Registered to"))

    class Meta:
        model = Declaration
        fields = ["status", "channel", "direction", "number", "registered_from", "registered_to"]

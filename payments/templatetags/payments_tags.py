from django import template

from payments.panel import payment_panel_context

register = template.Library()


@register.inclusion_tag("payments/_panel.html", takes_context=True)
def payments_panel(context, declaration):
    """The payment panel of a declaration's page: {% payments_panel declaration %}."""
    return payment_panel_context(request=context["request"], declaration=declaration)

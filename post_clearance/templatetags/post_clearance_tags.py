from django import template

from post_clearance.selectors import post_clearance_state

register = template.Library()


@register.inclusion_tag("post_clearance/_panel.html", takes_context=True)
def post_clearance_panel(context, declaration):
    """The post-clearance flag on a declaration's page: {% post_clearance_panel declaration %}."""
    user = context["request"].user
    return {"state": post_clearance_state(declaration=declaration, staff=user.is_customs_staff), "declaration": declaration,
            "auditor": user.is_auditor}

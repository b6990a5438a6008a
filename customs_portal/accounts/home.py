"""Where a signed-in user lands: the portal's root and the page after signing in."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


@login_required
def home(request):
    """The gate's work is the release page; everyone else starts from the declarations."""
    return redirect("gate:release" if request.user.is_gate else "declarations:list")

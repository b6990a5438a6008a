"""The tariff lines matching what is typed in an item's HS code (htmx), for the declaration form."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from reference.selectors.tariff_lookup import line_description, line_parents, tariff_search
from reference.special_rates import (
    special_rule_explanation,
    special_rule_of,
    special_rule_short,
)

HS_LOOKUP_LIMIT = 12
HS_LOOKUP_MIN_LENGTH = 2
HS_LOOKUP_MAX_LENGTH = 100


def _heading_code(code: str) -> str:
    """8703 -> 87.03, 870323 -> 8703.23, as the tariff prints them."""
    if len(code) == 4:
        return f"{code[:2]}.{code[2:]}"
    return f"{code[:4]}.{code[4:]}" if len(code) == 6 else code


@login_required
@require_GET
def hs_lookup(request):
    """Tariff lines matching what is typed in an item's HS code (htmx): best first, each with the
    headings above it, its rates and any special rule, in the page's language."""
    query = request.GET.get("q")
    if query is None:
        query = next((value for name, value in request.GET.items() if name.endswith("hs_code")), "")
    query = query.strip()[:HS_LOOKUP_MAX_LENGTH]
    found = tariff_search(q=query, limit=HS_LOOKUP_LIMIT) if len(query) >= HS_LOOKUP_MIN_LENGTH else None
    language = get_language()
    results = []
    for line in found.lines if found else []:
        rule = special_rule_of(line)
        results.append({
            "line": line,
            "description": line_description(line, language=language),
            "parents": [{**parent, "code_display": _heading_code(parent["code"])}
                        for parent in line_parents(line, language=language)],
            "special_rule": special_rule_short(rule) if rule else "",
            "special_rule_explanation": special_rule_explanation(rule) if rule else "",
        })
    return render(
        request,
        "declarations/_hs_results.html",
        {"results": results, "query": query, "truncated": bool(found and found.truncated),
         "code_like": bool(query) and query.replace(".", "").replace(" ", "").isdigit(),
         "too_short": len(query) < HS_LOOKUP_MIN_LENGTH},
    )

"""What the statistics pages and their exports share: who may open them, and the filters of the query
string read by the form and checked by `statistics_query` (as the API checks them)."""
from rest_framework.exceptions import ValidationError

from customs_portal.accounts.permissions import role_required
from customs_portal.localization import date_input_text
from customs_statistics.access import allowed_reports, statistics_query
from customs_statistics.forms import StatisticsFilterForm

# Traders, officers, supervisors, risk admins; the gate and users without a role get 403.
statistics_reader_required = role_required(lambda user: bool(allowed_reports(user)))


def filters_read(request) -> tuple[StatisticsFilterForm, dict]:
    """The filter form bound to the query string and the parameters of it that hold: a filter that does
    not (a date that is no date, a period of more than three years) is an error of the form and left out,
    so the page still shows the rest. The form shows the period the figures are of."""
    user = request.user
    form = StatisticsFilterForm(request.GET.copy(), user=user)
    form.is_valid()
    params = form.params()
    report = allowed_reports(user)[0]
    try:
        query = statistics_query(user=user, params=params, report=report)
    except ValidationError as error:
        form.errors_add(error.detail)
        wrong = set(error.detail) | ({"from", "to"} if {"from", "to"} & set(error.detail) else set())
        params = {name: value for name, value in params.items() if name not in wrong}
        query = statistics_query(user=user, params=params, report=report)
    for name, day in (("from", query.date_from), ("to", query.date_to)):
        if not form.data.get(name) and name not in form.errors:
            form.data[name] = date_input_text(day)
    return form, params

"""Linked branch declarations (declarations/services/branches.py): more than 50 goods lines imported
into a draft make a group of drafts of at most 50 lines, filed together and shown together."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customs_portal.audit.models import AuditEvent
from declarations.models import Declaration, GoodsItem
from declarations.services.branches import costs_apportion
from declarations.services.taxes import ItemTaxInput, taxes_compute
from risk.services.assessment import risk_assess
from risk.tasks import risk_assess_task
from tests.declarations.items_files.support import VI_HEADER, lines_vi, xlsx_bytes
from tests.factories import draft_of
from tests.payloads import import_body

pytestmark = pytest.mark.django_db

HEADER = ("direction", "type_code", "customs_office_id", "partner_name", "partner_address", "partner_country_id",
          "transport_mode", "bill_of_lading", "vessel_flight", "port_of_loading_id", "port_of_discharge_id", "arrival_date",
          "packages", "gross_weight_kg", "invoice_number", "invoice_date", "invoice_currency_id", "incoterm",
          "enterprise_id")
USD_RATE = Decimal("26345")  # the reference data's USD rate in force (asserted below)


def lines_120() -> list[list]:
    """120 lines of 1 000 USD each (10 pieces at 100): odd lines keyboards (MFN 0 %, VAT 10 %), even lines
    cotton T-shirts (MFN 20 %, VAT 10 %)."""
    return [VI_HEADER] + [["84716030" if n % 2 else "61091010", f"Dòng hàng {n}", "CN", "10", "PCE", "100", "MFN", None]
                          for n in range(1, 121)]


def upload(client, pk, content: bytes):
    return client.post(f"/api/v1/declarations/{pk}/items/import/",
                       {"file": SimpleUploadedFile("dong-hang.xlsx", content, content_type="application/octet-stream")},
                       format="multipart")


def shipment(trader, client, rows, **overrides) -> tuple[Declaration, dict]:
    """A draft (FOB, freight 1 200 and insurance 120 USD) whose lines are imported from `rows`."""
    draft = draft_of(trader, import_body(insurance="120.00", **overrides))
    response = upload(client, draft.pk, xlsx_bytes(rows))
    assert response.status_code == 200, response.json()
    return draft, response.json()


def group_of(draft: Declaration) -> list[Declaration]:
    return list(Declaration.objects.filter(branch_of_id=draft.pk).order_by("branch_index"))


class TestCostsApportioned:
    def test_by_value_in_cents_with_the_remainder_on_the_last(self):
        assert costs_apportion(Decimal("80.00"), [Decimal("50000"), Decimal("50000"), Decimal("20000")]) == [
            Decimal("33.33"), Decimal("33.33"), Decimal("13.34")]
        assert costs_apportion(Decimal("1200.00"), [Decimal("50000"), Decimal("50000"), Decimal("20000")]) == [
            Decimal("500.00"), Decimal("500.00"), Decimal("200.00")]

    def test_nothing_to_share(self):
        assert costs_apportion(Decimal("0"), [Decimal("1"), Decimal("2")]) == [Decimal("0.00"), Decimal("0.00")]


class TestSplit:
    def test_120_lines_make_three_linked_drafts_with_the_header_copied_and_costs_apportioned(self, trader1, api_client_for):
        draft, body = shipment(trader1, api_client_for(trader1), lines_120())

        branches = group_of(draft)
        assert [b.pk for b in branches][0] == draft.pk
        assert [(b.branch_index, b.branch_count, b.branch_of_id, b.status, b.items.count()) for b in branches] == [
            (1, 3, draft.pk, "draft", 50), (2, 3, draft.pk, "draft", 50), (3, 3, draft.pk, "draft", 20)]
        assert [list(b.items.order_by("line_no").values_list("description", flat=True)) for b in branches] == [
            [f"Dòng hàng {n}" for n in range(1, 51)], [f"Dòng hàng {n}" for n in range(51, 101)],
            [f"Dòng hàng {n}" for n in range(101, 121)]]
        assert all({name: getattr(b, name) for name in HEADER} == {name: getattr(draft, name) for name in HEADER}
                   for b in branches)
        assert [(b.invoice_total, b.freight, b.insurance) for b in branches] == [
            (Decimal("50000.00"), Decimal("500.00"), Decimal("50.00")),
            (Decimal("50000.00"), Decimal("500.00"), Decimal("50.00")),
            (Decimal("20000.00"), Decimal("200.00"), Decimal("20.00"))]
        assert (body["id"], body["branch_index"], body["branch_count"], body["first_number"]) == (draft.pk, 1, 3, None)
        assert body["branches"] == [{"id": b.pk, "branch_index": b.branch_index, "number": None, "status": "draft",
                                     "channel": None, "tax_total": str(b.tax_total)} for b in branches]

    def test_taxes_of_the_branches_are_those_of_one_declaration_of_all_lines(self, trader1, api_client_for):
        draft, _body = shipment(trader1, api_client_for(trader1), lines_120())
        branches = group_of(draft)
        assert branches[0].exchange_rate == USD_RATE

        # Each line: 1 000 USD + its share of freight and insurance, 1 000 / 120 000 × 1 320 = 11 → 1 011 USD,
        # × 26 345 = 26 634 795 VND. Keyboard: VAT 10 % = 2 663 479.5 → 2 663 480. T-shirt: duty 20 % = 5 326 959,
        # VAT 10 % of 31 961 754 = 3 196 175.4 → 3 196 175; 8 523 134 in all. A pair: 11 186 614.
        assert set(GoodsItem.objects.filter(declaration__in=branches).values_list("taxable_value", flat=True)) == {
            Decimal("26634795")}
        assert [(b.import_duty, b.vat, b.tax_total) for b in branches] == [
            (25 * Decimal("5326959"), 25 * (Decimal("2663480") + Decimal("3196175")), Decimal("279665350")),
            (25 * Decimal("5326959"), 25 * (Decimal("2663480") + Decimal("3196175")), Decimal("279665350")),
            (10 * Decimal("5326959"), 10 * (Decimal("2663480") + Decimal("3196175")), Decimal("111866140"))]
        items = list(GoodsItem.objects.filter(declaration__in=branches).select_related("tariff_line", "origin_country"))
        one = taxes_compute(direction="import", type_code=branches[0].type_code, incoterm="FOB", freight=Decimal("1200"), insurance=Decimal("120"),
                            exchange_rate=USD_RATE, items=[
                                ItemTaxInput(line=i.tariff_line, origin=i.origin_country, quantity=i.quantity,
                                             unit=i.unit_id, line_value=i.line_value, preference="MFN") for i in items])
        assert one.as_json()["total"] == sum(b.tax_total for b in branches) == Decimal("671196840")

    def test_fifty_lines_stay_one_declaration(self, trader1, api_client_for):
        draft, body = shipment(trader1, api_client_for(trader1), lines_vi(50))

        draft.refresh_from_db()
        assert (draft.branch_of_id, draft.branch_index, draft.branch_count, draft.items.count()) == (None, None, None, 50)
        assert (body["branch_index"], body["branch_count"], body["first_number"], body["branches"]) == (None, None, None, [])
        assert Declaration.objects.filter(enterprise=trader1.enterprise).count() == 1

    def test_fifty_one_lines_make_two(self, trader1, api_client_for):
        draft, _body = shipment(trader1, api_client_for(trader1), lines_vi(51))

        assert [(b.branch_index, b.branch_count, b.items.count()) for b in group_of(draft)] == [(1, 2, 50), (2, 2, 1)]

    def test_more_than_twenty_branches_are_refused_and_nothing_changes(self, trader1, api_client_for):
        draft = draft_of(trader1)

        response = upload(api_client_for(trader1), draft.pk, xlsx_bytes(lines_vi(1001)))

        assert (response.status_code, response.json()) == (400, {"file": [
            "At most 1000 goods lines (20 branch declarations of 50 lines) are imported together; this file has 1001."]})
        assert Declaration.objects.filter(enterprise=trader1.enterprise).count() == 1

    def test_importing_again_replaces_the_group_and_withdraws_the_branches_not_needed(self, trader1, api_client_for):
        client = api_client_for(trader1)
        draft, _body = shipment(trader1, client, lines_120())
        old = group_of(draft)

        response = upload(client, old[2].pk, xlsx_bytes(lines_vi(60)))  # into branch 3: the whole group

        assert response.status_code == 200, response.json()
        assert response.json()["id"] == draft.pk
        assert [(b.pk, b.branch_index, b.branch_count, b.items.count(), b.freight) for b in group_of(draft)] == [
            (draft.pk, 1, 2, 50, Decimal("1000.00")), (old[1].pk, 2, 2, 10, Decimal("200.00"))]
        withdrawn = Declaration.objects.get(pk=old[2].pk)
        assert (withdrawn.status, withdrawn.branch_of_id, withdrawn.number) == ("cancelled", None, None)
        assert AuditEvent.objects.filter(declaration_id=withdrawn.pk, action="cancel").count() == 1

    def test_importing_fifty_into_a_group_makes_one_declaration_again(self, trader1, api_client_for):
        client = api_client_for(trader1)
        draft, _body = shipment(trader1, client, lines_120())

        body = upload(client, draft.pk, xlsx_bytes(lines_vi(50))).json()

        draft.refresh_from_db()
        assert (draft.branch_of_id, body["branch_count"], draft.freight, draft.insurance) == (
            None, None, Decimal("1200.00"), Decimal("120.00"))
        assert list(Declaration.objects.filter(enterprise=trader1.enterprise).order_by("id").values_list("status", flat=True)) == [
            "draft", "cancelled", "cancelled"]


class TestFilingTogether:
    def test_submitting_any_branch_registers_all_with_consecutive_numbers(self, trader1, api_client_for, rules,
                                                                         django_capture_on_commit_callbacks, monkeypatch):
        client = api_client_for(trader1)
        draft, _body = shipment(trader1, client, lines_120())
        second = group_of(draft)[1]
        queued = []
        monkeypatch.setattr(risk_assess_task, "apply_async", lambda args, **options: queued.append(args[0]))

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/api/v1/declarations/{second.pk}/submit/")

        assert response.status_code == 202, response.json()
        branches = group_of(draft)
        assert queued == [b.pk for b in branches]
        for declaration_id in queued:  # the queued task, run here
            risk_assess(declaration_id=declaration_id)
        branches = group_of(draft)
        numbers = [int(b.number) for b in branches]
        assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
        assert all(b.first_number == branches[0].number for b in branches)
        # Each assessed on its own: trader1's compliant enterprise goes green, and waits for its taxes.
        assert [(b.status, b.channel, b.assessments.count()) for b in branches] == [("assessed", "green", 1)] * 3
        assert [b.amount_due for b in branches] == [Decimal("279665350"), Decimal("279665350"), Decimal("111866140")]
        body = client.get(f"/api/v1/declarations/{second.pk}/").json()
        assert (body["first_number"], body["branch_index"], body["branch_count"]) == (branches[0].number, 2, 3)
        assert [(b["number"], b["status"]) for b in body["branches"]] == [(b.number, "assessed") for b in branches]

    def test_one_invalid_branch_registers_none(self, trader1, api_client_for):
        client = api_client_for(trader1)
        draft, _body = shipment(trader1, client, lines_120())
        third = group_of(draft)[2]
        # The tariff line of a goods line of branch 3 no longer exists when it is submitted.
        GoodsItem.objects.filter(declaration=third, line_no=20).update(hs_code="99999999")
        Declaration.objects.filter(pk=third.pk).update(taxed_on=None)

        response = client.post(f"/api/v1/declarations/{draft.pk}/submit/")

        assert response.status_code == 400
        body = response.json()
        assert list(body["branches"]) == ["3"]
        assert body["branches"]["3"]["items"][19]["hs_code"] == ["HS code 99999999 is not in the tariff."]
        assert body["non_field_errors"] == ["Branch 3/3 cannot be registered, so none of the group is."]
        assert [(b.status, b.number) for b in group_of(draft)] == [("draft", None)] * 3

    def test_a_group_with_a_withdrawn_branch_is_not_registered(self, trader1, api_client_for):
        client = api_client_for(trader1)
        draft, _body = shipment(trader1, client, lines_120())
        assert client.post(f"/api/v1/declarations/{group_of(draft)[1].pk}/cancel/").status_code == 200

        response = client.post(f"/api/v1/declarations/{draft.pk}/submit/")

        assert response.status_code == 409
        assert response.json()["detail"] == ("Branch 2/3 is cancelled: the branches of a group are registered together, "
                                             "all drafts. Import the lines again to make the group anew.")
        assert [b.status for b in group_of(draft)] == ["draft", "cancelled", "draft"]

    def test_another_enterprise_sees_no_branch(self, trader1, trader2, api_client_for):
        draft, _body = shipment(trader1, api_client_for(trader1), lines_120())

        assert api_client_for(trader2).get(f"/api/v1/declarations/{group_of(draft)[1].pk}/").status_code == 404

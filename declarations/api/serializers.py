# Kept whole (about 550 lines): the request and response bodies of the declaration API are one
# schema (api.md) whose serializers nest each other; the document serializers are apart
# (document_serializers.py) because the browser's upload uses them too.
"""Declaration API: request bodies are parsed here; business rules live in the services.

Serializers shared by the threads of a web process. Building a serializer (it copies every field,
for a declaration every nested field of an item) took longer than using it, so the classes in
`SHARED_SERIALIZERS` are built once per process (`_reusable`, `_validator`) and used by every
thread at once. That is safe under one rule, which DRF keeps for these two calls:

- a shared serializer is used only through `run_validation(data)` (`validated_body`) and through
  `customs_portal.api.representation.representation_of` (its fields' `get_attribute` and
  `to_representation`), which keep everything of one call in local variables and the value they
  return; never through `is_valid`, `data`, `errors`, `validated_data` or `save`, and it is built
  without `instance`, `data` or `context` (no request);
- its fields, nested serializers' included, are bound before it is shared (`_fields_bind`, under `functools.cache`); the one
  thing DRF sets later is a field's `_validators`, on first use, to the same list whichever thread
  does it;
- the shared classes keep nothing of a call on themselves or their fields: no `validate*`,
  `to_representation` or `SerializerMethodField` that writes to `self` or `self.context` (as
  `ReviewQueueEntrySerializer._now` does: it is not shared, and refused by `_shareable`).

tests/customs_portal/api/test_shared_serializers.py runs them from many threads at once, each with its own data,
and checks that nothing was written on a shared serializer or its fields.
"""
import functools
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customs_portal.api.fields import DecimalField
from customs_portal.api.representation import representation_of
from declarations import extensions
from declarations.amendments import AmendmentStatus
from declarations.containers import MAX_CONTAINERS
from declarations.items import ITEM_DECLARED_FIELDS
from declarations.lifecycle import Channel, Status
from declarations.models import (
    AmendmentDifference,
    Declaration,
    Direction,
    DutyAssessment,
    GoodsItem,
    PaymentStatus,
    RefundStatus,
    TransportMode,
)
from declarations.permits import AGENCY_MAX, MAX_PERMITS, NUMBER_MAX, PermitKind
from declarations.selectors import declaration_group
from reference.agreements import PREFERENCE_CODES
from reference.incoterms import INCOTERMS

CODE = {"trim_whitespace": True}


class UpperCodeField(serializers.CharField):
    """A code such as a country, currency, unit or UN/LOCODE: trimmed and upper-cased."""

    def to_internal_value(self, data):
        return super().to_internal_value(data).upper()


class PartnerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    country = UpperCodeField(min_length=2, max_length=2, help_text="ISO 3166-1 alpha-2")


class InvoiceSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=50)
    date = serializers.DateField()
    currency = UpperCodeField(min_length=3, max_length=3, help_text="ISO 4217")
    incoterm = serializers.ChoiceField(choices=list(INCOTERMS), help_text="Incoterms 2020")
    total = DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0.01"))


class PermitSerializer(serializers.Serializer):
    """A permit, licence or inspection result of specialised management, issued through the national single window."""

    kind = serializers.ChoiceField(choices=PermitKind.choices,
                                   help_text='"licence", "quarantine" (quarantine certificate), "quality" (quality '
                                             'inspection result) or "other"')
    number = serializers.CharField(max_length=NUMBER_MAX, help_text="the permit's number as issued")
    agency = serializers.CharField(max_length=AGENCY_MAX, help_text="the issuing agency")
    date = serializers.DateField(help_text="date of issue; not in the future")


PERMITS_HELP = ("permits, licences or inspection results for goods under specialised management (at most "
                f"{MAX_PERMITS}, each kind and number once); optional. A line under specialised management without "
                "one is accepted, with a warning, and may be selected for a check.")


class GoodsItemWriteSerializer(serializers.Serializer):
    hs_code = serializers.RegexField(r"^\d{1,10}$", max_length=10, help_text="8-digit AHTN code",
                                     error_messages={"invalid": _("An HS code is made of digits only.")})
    description = serializers.CharField(max_length=500)
    origin_country = UpperCodeField(min_length=2, max_length=2, help_text="ISO 3166-1 alpha-2")
    quantity = DecimalField(max_digits=18, decimal_places=3)
    unit = UpperCodeField(min_length=2, max_length=3, help_text="UN/ECE Recommendation 20 code")
    unit_price = DecimalField(max_digits=18, decimal_places=4, help_text="in invoice currency")
    line_value = DecimalField(max_digits=18, decimal_places=2, required=False,
                                          help_text="quantity × unit price; computed when omitted")
    preference = serializers.ChoiceField(choices=PREFERENCE_CODES, default="MFN")
    certificate_of_origin = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    permits = PermitSerializer(many=True, required=False, help_text=PERMITS_HELP)


class DeclarationWriteSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=Direction.choices)
    type_code = UpperCodeField(max_length=3)
    customs_office = UpperCodeField(max_length=4)
    partner = PartnerSerializer()
    transport_mode = serializers.ChoiceField(choices=TransportMode.choices)
    bill_of_lading = serializers.CharField(max_length=35, required=False, allow_blank=True, default="")
    vessel_flight = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    port_of_loading = UpperCodeField(min_length=5, max_length=5, help_text="UN/LOCODE")
    port_of_discharge = UpperCodeField(min_length=5, max_length=5, help_text="UN/LOCODE")
    arrival_date = serializers.DateField(required=False, allow_null=True, default=None, help_text="imports")
    departure_date = serializers.DateField(required=False, allow_null=True, default=None, help_text="exports")
    packages = serializers.IntegerField(min_value=1, max_value=10_000_000)
    gross_weight_kg = DecimalField(max_digits=14, decimal_places=3, min_value=Decimal("0.001"))
    container_numbers = serializers.ListField(
        child=serializers.CharField(max_length=20, allow_blank=True), max_length=MAX_CONTAINERS, required=False,
        default=list,
        help_text="ISO 6346 container numbers (e.g. MSCU1234566; spaces allowed, stored without them), each once; "
                  "optional. Where a declaration lists them, the gate releases the goods only with the same containers.")
    invoice = InvoiceSerializer()
    freight = DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0"), required=False, default=Decimal("0"))
    insurance = DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0"), required=False, default=Decimal("0"))
    items = GoodsItemWriteSerializer(many=True, allow_empty=False, max_length=settings.DECLARATION_MAX_ITEMS)


class RateSerializer(serializers.Serializer):
    rate = serializers.CharField(required=False, help_text="percent; absent while a special rule leaves the duty to an "
                                                           "officer, or when an officer set an amount")
    basis = serializers.CharField(required=False, help_text='"MFN", "standard", an agreement, "special_rule" or "officer"')
    note = serializers.CharField(required=False)
    rule = serializers.CharField(required=False, help_text="the tariff's text of the special rule that sets the duty")
    amount = serializers.CharField(required=False, help_text="the duty in VND an officer set")
    reason = serializers.CharField(required=False, help_text="why the officer set that duty")
    assessed_by = serializers.CharField(required=False)
    assessed_at = serializers.CharField(required=False)
    preference_requested = serializers.CharField(required=False)
    preference_applied = serializers.BooleanField(required=False)
    preference_refused_reason = serializers.CharField(required=False)
    per_unit = serializers.CharField(required=False)
    unit = serializers.CharField(required=False)


class RatesSerializer(serializers.Serializer):
    import_duty = RateSerializer(required=False)
    export_duty = RateSerializer(required=False)
    special_consumption_tax = RateSerializer(required=False)
    environmental_tax = RateSerializer(required=False)
    vat = RateSerializer(required=False)


class ExemptionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='the exemption code (mã miễn / không chịu thuế), e.g. "XNK07"')
    kind = serializers.ChoiceField(choices=["exempt", "not_subject"],
                                   help_text='"exempt" (miễn thuế) or "not_subject" (không chịu thuế)')
    basis_vi = serializers.CharField(help_text="the legal basis, in Vietnamese")
    basis_en = serializers.CharField(help_text="the legal basis, in English")
    amount = serializers.DecimalField(max_digits=20, decimal_places=0,
                                      help_text="what the tax would have been without the relief (VND)")


class GoodsItemSerializer(serializers.ModelSerializer):
    origin_country = serializers.CharField(source="origin_country_id")
    unit = serializers.CharField(source="unit_id")
    rates = RatesSerializer()
    duty_assessment = serializers.ChoiceField(
        choices=DutyAssessment.choices,
        help_text='who sets the import duty: "tariff" (a rate of the tariff), "to_be_assessed" (a special rule of the '
                  'tariff sets it: an officer assesses it after registration; until then it counts as 0), "officer"')
    tax_total = serializers.DecimalField(max_digits=20, decimal_places=0, read_only=True)
    permits = PermitSerializer(many=True, help_text=PERMITS_HELP)
    exemptions = serializers.DictField(
        child=ExemptionSerializer(),
        help_text="the taxes the declaration's regime (type_code) relieves on this item, by tax name "
                  "(import_duty, export_duty, special_consumption_tax, environmental_tax, vat); each of those is 0")

    class Meta:
        model = GoodsItem
        fields = [
            "line_no", *ITEM_DECLARED_FIELDS, "customs_value", "taxable_value", "import_duty", "export_duty",
            "line_no", "hs_code", "description", "origin_country", "quantity", "unit", "unit_price", "line_value",
            "preference", "certificate_of_origin", "permits", "customs_value", "taxable_value", "import_duty", "export_duty",
            "special_consumption_tax", "environmental_tax", "vat", "tax_total", "rates", "duty_assessment", "exemptions",
        ]
        read_only_fields = fields


class TaxesSerializer(serializers.Serializer):
    import_duty = serializers.DecimalField(max_digits=20, decimal_places=0)
    export_duty = serializers.DecimalField(max_digits=20, decimal_places=0)
    special_consumption_tax = serializers.DecimalField(max_digits=20, decimal_places=0)
    environmental_tax = serializers.DecimalField(max_digits=20, decimal_places=0)
    vat = serializers.DecimalField(max_digits=20, decimal_places=0)
    total = serializers.DecimalField(max_digits=20, decimal_places=0, source="tax_total")


class PartnerOutSerializer(serializers.Serializer):
    name = serializers.CharField(source="partner_name")
    address = serializers.CharField(source="partner_address")
    country = serializers.CharField(source="partner_country_id")


class InvoiceOutSerializer(serializers.Serializer):
    number = serializers.CharField(source="invoice_number")
    date = serializers.DateField(source="invoice_date")
    currency = serializers.CharField(source="invoice_currency_id")
    incoterm = serializers.CharField()
    total = serializers.DecimalField(max_digits=18, decimal_places=2, source="invoice_total")


VND_FIELD = dict(max_digits=20, decimal_places=0)


class AmendmentDifferenceSerializer(serializers.Serializer):
    """An amendment accepted after clearance: the additional tax owed (a later due, with late interest
    from `due_date`) and the tax to be refunded, per tax."""

    additional = serializers.DictField(source="taxes", child=serializers.CharField(), help_text="additional tax per tax, VND")
    additional_total = serializers.DecimalField(source="tax_amount", **VND_FIELD)
    refund = serializers.DictField(source="refunds", child=serializers.CharField(), help_text="tax to refund per tax, VND")
    refund_total = serializers.DecimalField(source="refund_amount", **VND_FIELD)
    refund_status = serializers.ChoiceField(choices=RefundStatus.choices, help_text='"to_be_refunded" when tax is owed to the trader')
    due_date = serializers.DateField(help_text="the original due date, from which late interest on the additional tax runs")


class AmendmentPreviewSerializer(serializers.Serializer):
    """What an amendment after clearance would change in the taxes, before it is sent."""

    deadline = serializers.DateField(help_text="the last day an amendment after clearance may be requested")
    due_date = serializers.DateField(help_text="the original due date: late interest on additional tax runs from it")
    additional = serializers.DictField(child=serializers.DecimalField(**VND_FIELD), help_text="additional tax per tax, VND")
    refund = serializers.DictField(child=serializers.DecimalField(**VND_FIELD), help_text="tax to refund per tax, VND")
    additional_total = serializers.DecimalField(**VND_FIELD)
    refund_total = serializers.DecimalField(**VND_FIELD)


class AmendmentRequestSerializer(serializers.Serializer):
    """The trader's latest amendment request of a declaration customs holds, and the officer's decision."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AmendmentStatus.choices)
    message = serializers.SerializerMethodField(help_text="what the status means, in the user's language")
    base_version = serializers.IntegerField(help_text="the version the request amends")
    reason = serializers.CharField()
    changes = serializers.JSONField(help_text='[{"field", "from", "to"}, {"line", "field", "from", "to"}, '
                                              '{"line", "change": "added" | "removed", "item"}]')
    content = serializers.JSONField(help_text="the requested declaration body")
    taxes = serializers.JSONField(help_text="the taxes the requested content owes, at the registration date's rate")
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField(help_text="the officer's note; a refusal's reason")
    result_version = serializers.IntegerField(allow_null=True, help_text="accepted: the version it became")
    difference = serializers.SerializerMethodField(help_text="accepted after clearance: the difference in taxes")

    @extend_schema_field(AmendmentDifferenceSerializer(allow_null=True))
    def get_difference(self, request) -> dict | None:
        if request.status != AmendmentStatus.ACCEPTED:
            return None
        difference = AmendmentDifference.objects.filter(amendment=request).first()
        return AmendmentDifferenceSerializer(difference).data if difference else None

    def get_message(self, request) -> str:
        if request.status == AmendmentStatus.PENDING:
            return _("Awaits the decision of the officer in charge: until then the declaration keeps its content, "
                     "status and channel.")
        if request.status == AmendmentStatus.ACCEPTED:
            return _("Accepted by customs: it is version %(version)s of the declaration.") % {"version": request.result_version}
        if request.status == AmendmentStatus.REFUSED:
            return _("Refused by customs: the declaration stays as it was.")
        return _("Closed without a decision: the declaration was rejected or cancelled first.")


class PostClearanceStateSerializer(serializers.Serializer):
    """The post-clearance flag ("blue") of a declaration: its audit and the outcome."""

    status = serializers.ChoiceField(choices=["selected", "open", "closed"],
                                     help_text="selected (customs staff only), open, or closed")
    opened_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.ChoiceField(choices=["no_discrepancy", "discrepancy"], allow_null=True,
                                      help_text="null while the audit is open")
    additional_amount = serializers.DecimalField(max_digits=20, decimal_places=0, allow_null=True,
                                                 help_text="VND: the additional assessment (taxes and late interest) still to pay; "
                                                           "null when none was raised")


class BranchSerializer(serializers.Serializer):
    """A member of a group of linked branch declarations (tờ khai nhánh)."""

    id = serializers.IntegerField()
    branch_index = serializers.IntegerField()
    number = serializers.CharField(allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices)
    channel = serializers.ChoiceField(choices=Channel.choices, allow_null=True)
    tax_total = serializers.DecimalField(max_digits=20, decimal_places=0)


class DeclarationSerializer(serializers.ModelSerializer):
    """A declaration as every role may see it (never with risk details for traders)."""

    status = serializers.ChoiceField(choices=Status.choices)
    channel = serializers.ChoiceField(choices=Channel.choices, allow_null=True)
    payment_status = serializers.ChoiceField(choices=PaymentStatus.choices)
    enterprise = serializers.CharField(source="enterprise.tax_code")
    customs_office = serializers.CharField(source="customs_office_id")
    partner = PartnerOutSerializer(source="*")
    port_of_loading = serializers.CharField(source="port_of_loading_id")
    port_of_discharge = serializers.CharField(source="port_of_discharge_id")
    invoice = InvoiceOutSerializer(source="*")
    taxes = TaxesSerializer(source="*")
    items = GoodsItemSerializer(many=True)
    container_numbers = serializers.ListField(child=serializers.CharField(), help_text="ISO 6346, normalised")
    amendment_request = AmendmentRequestSerializer(allow_null=True, help_text="the latest amendment request, if any")
    post_clearance = serializers.SerializerMethodField(
        help_text="null, or the post-clearance audit of the declaration (blue): not a channel, a flag after release")
    first_number = serializers.CharField(
        read_only=True, allow_null=True,
        help_text="a branch declaration: the number of branch 1 of its group (null until registered); null otherwise")
    branch_index = serializers.IntegerField(read_only=True, allow_null=True, help_text="a branch declaration: its index, from 1")
    branch_count = serializers.IntegerField(read_only=True, allow_null=True,
                                            help_text="a branch declaration: the number of branches of its group")
    branches = serializers.SerializerMethodField(
        help_text="a branch declaration: every branch of its group (this one too) in branch order; [] otherwise")

    class Meta:
        model = Declaration
        fields = [
            "id", "number", "version", "direction", "type_code", "status", "channel", "enterprise", "customs_office",
            "partner", "transport_mode", "bill_of_lading", "vessel_flight", "port_of_loading", "port_of_discharge",
            "arrival_date", "departure_date", "packages", "gross_weight_kg", "container_numbers", "invoice", "freight",
            "insurance", "exchange_rate", "exchange_rate_date", "items", "taxes", "amount_due", "payment_status", "created_at",
            "updated_at", "registered_at", "assessed_at", "cleared_at", "released_at", "amendment_request", "post_clearance",
            "first_number", "branch_index", "branch_count", "branches",
        ]
        read_only_fields = fields

    @extend_schema_field(BranchSerializer(many=True))
    def get_branches(self, declaration) -> list[dict]:
        return BranchSerializer(declaration_group(declaration=declaration), many=True).data

    @extend_schema_field(PostClearanceStateSerializer(allow_null=True))
    def get_post_clearance(self, declaration) -> dict | None:
        state = extensions.post_clearance_state.handler(declaration=declaration, staff=isinstance(self, DeclarationStaffSerializer))
        return PostClearanceStateSerializer(state).data if state else None


class DeclarationListSerializer(DeclarationSerializer):
    """The list omits items, the amendment request, the post-clearance flag and a branch's group (no
    query per row); fetch one declaration for them."""

    item_count = serializers.IntegerField(read_only=True)

    class Meta(DeclarationSerializer.Meta):
        fields = [f for f in DeclarationSerializer.Meta.fields
                  if f not in ("items", "amendment_request", "post_clearance", "first_number", "branches")] + ["item_count"]
        read_only_fields = fields


class RiskExplanationField(serializers.Field):
    """The declaration's latest risk assessment, or null before the first. Risk gives both the data
    (the `risk_explanation_data` extension point) and its OpenAPI schema (the field extension
    `risk.api.serializers.RiskExplanationFieldSchema`): this app does not know its shape."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, declaration) -> dict | None:
        return extensions.risk_explanation_data.handler(declaration=declaration)


class DeclarationStaffSerializer(DeclarationSerializer):
    """Officers and risk admins also get the risk explanation; traders never do."""

    risk = RiskExplanationField()

    class Meta(DeclarationSerializer.Meta):
        fields = DeclarationSerializer.Meta.fields + ["risk"]
        read_only_fields = fields


class DeclarationSchema(OpenApiSerializerExtension):
    """One `Declaration` in the OpenAPI schema for every audience, so that a generated client reads
    what a trader gets and what customs staff get with the same type: customs staff's fields, with
    `risk` optional (absent for traders; null while no assessment exists)."""

    target_class = DeclarationSerializer

    def get_name(self, auto_schema, direction):
        return "Declaration"

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(DeclarationStaffSerializer, direction, bypass_extensions=True)
        schema["description"] = "A declaration as its reader may see it: customs staff also get `risk`, traders never do."
        schema["required"] = [name for name in schema["required"] if name != "risk"]
        schema["properties"]["risk"]["description"] = (
            "Officers and risk admins only: the latest automated risk assessment (null before the first). "
            "Traders never get this field.")
        return schema


def _shareable(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    if serializer_class not in SHARED_SERIALIZERS:
        raise TypeError(f"{serializer_class.__name__} is not in SHARED_SERIALIZERS: see the module's docstring")
    return serializer_class


@functools.cache
def _reusable(serializer_class: type[serializers.Serializer]):
    """One serializer per class, bound once, and its `to_representation` worked out once (shared: see
    the module's docstring)."""
    return representation_of(_shareable(serializer_class)())


@functools.cache
def _validator(serializer_class: type[serializers.Serializer], partial: bool) -> serializers.Serializer:
    """One serializer per class and `partial`, bound once (shared: see the module's docstring)."""
    serializer = _shareable(serializer_class)(partial=partial)
    _fields_bind(serializer)  # bound once; validation reads them and keeps nothing
    return serializer


def _fields_bind(field) -> None:
    """Bind the fields of a serializer and of every serializer nested in it (`fields` is a cached
    property DRF would otherwise set the first time a body reaches that depth, in whichever thread)."""
    if isinstance(field, serializers.ListSerializer):
        _fields_bind(field.child)
    elif isinstance(field, serializers.Serializer):
        for child in field.fields.values():
            _fields_bind(child)


def validated_body(serializer_class: type[serializers.Serializer], data, *, partial: bool = False) -> dict:
    """What `serializer_class(data=data, partial=partial).is_valid(raise_exception=True)` leaves in
    `validated_data`, or the same ValidationError. Building a serializer copies all its fields
    (for a declaration, every nested field of an item): done once per class here, not per request.
    A body with errors is validated again by a serializer of its own, which words them."""
    try:
        return _validator(serializer_class, partial).run_validation(data)
    except serializers.ValidationError:
        serializer = serializer_class(data=data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data  # not reached: the same body fails the same way


def declaration_serializer_class(*, staff: bool) -> type[DeclarationSerializer]:
    """Customs staff get the declaration with `risk`; traders never do."""
    return DeclarationStaffSerializer if staff else DeclarationSerializer


def declaration_representation(declaration: Declaration, *, staff: bool) -> dict:
    """The API body of one declaration, with `risk` for customs staff only.

    One serializer per class renders every response: building DRF's fields took longer than
    rendering them, and `to_representation` keeps no state between calls.
    """
    return _reusable(declaration_serializer_class(staff=staff))(declaration)


def representations(serializer_class: type[serializers.Serializer], instances) -> list[dict]:
    """The bodies of a page of a list, rendered by the one serializer of `serializer_class`."""
    represent = _reusable(serializer_class)
    return [represent(instance) for instance in instances]


class DeclarationAmendSerializer(DeclarationWriteSerializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                   help_text="why the declaration is amended")


# Built once per process and used by all its threads at once: only classes that keep the rule of the
# module's docstring.
SHARED_SERIALIZERS = frozenset({DeclarationSerializer, DeclarationStaffSerializer, DeclarationListSerializer,
                                DeclarationWriteSerializer, DeclarationAmendSerializer})


class DeclarationVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.CharField()
    channel = serializers.CharField(allow_null=True)
    content = serializers.JSONField()
    taxes = serializers.JSONField()
    exchange_rate = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    registered_at = serializers.DateTimeField(allow_null=True)
    assessed_at = serializers.DateTimeField(allow_null=True)
    superseded_at = serializers.DateTimeField()
    reason = serializers.CharField()


class DutySerializer(serializers.Serializer):
    line_no = serializers.IntegerField(min_value=1, max_value=settings.DECLARATION_MAX_ITEMS, help_text="the goods item")
    rate = serializers.DecimalField(max_digits=7, decimal_places=3, min_value=Decimal("0"), max_value=Decimal("1000"),
                                    required=False, allow_null=True, default=None,
                                    help_text="import duty as a percentage of the item's taxable value")
    amount = serializers.DecimalField(max_digits=20, decimal_places=0, min_value=Decimal("0"), required=False,
                                      allow_null=True, default=None, help_text="or the import duty in VND")


class DecisionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=["release", "request_documents", "escalate", "reject", "record_inspection", "accept_amendment",
                 "refuse_amendment", "assess_duty"],
        help_text="accept_amendment / refuse_amendment decide the trader's pending amendment request (refusing needs a note); "
                  "assess_duty sets the import duty of items whose duty a special rule of the tariff sets")
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    discrepancy = serializers.BooleanField(required=False, allow_null=True, default=None,
                                           help_text="record_inspection: whether the goods differ from the declaration")
    findings = serializers.CharField(max_length=8000, required=False, allow_blank=True, default="")
    items = GoodsItemWriteSerializer(many=True, required=False, allow_empty=False, max_length=settings.DECLARATION_MAX_ITEMS,
                                     help_text="record_inspection: the goods as found, when they differ; taxes are reassessed")
    duties = DutySerializer(many=True, required=False, max_length=settings.DECLARATION_MAX_ITEMS,
                            help_text="assess_duty (with a `reason`): the import duty of items whose duty a special rule "
                                      "of the tariff sets (`duty_assessment` \"to_be_assessed\" or \"officer\"); "
                                      "VAT and the other taxes are computed again on it")


class AuditEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    reason = serializers.CharField()
    data = serializers.JSONField()
    created_at = serializers.DateTimeField()


class DecisionResultSerializer(serializers.Serializer):
    event = AuditEventSerializer()
    declaration = DeclarationSerializer(help_text="as officers get it, with `risk`")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class FiredRulesField(serializers.JSONField):
    """The rules that fired (`Assessment.fired_rules`), each `name` in the language of the request."""

    def to_representation(self, value):
        if value is None:
            return None
        rule_name = extensions.fired_rule_name.handler
        return [{**rule, "name": rule_name(rule)} for rule in value]


class AssignedOfficerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.SerializerMethodField()

    def get_name(self, officer) -> str:
        return officer.get_full_name() or officer.username


class ReviewQueueEntrySerializer(DeclarationListSerializer):
    risk_score = serializers.IntegerField(allow_null=True)
    fired_rules = FiredRulesField(allow_null=True)
    waiting_seconds = serializers.SerializerMethodField(help_text="since the channel was assigned")
    waiting_on_customs_seconds = serializers.SerializerMethodField(
        help_text="of `waiting_seconds`, the time customs held the file")
    waiting_on_trader_seconds = serializers.SerializerMethodField(
        help_text="of `waiting_seconds`, the time a request for documents was open: the trader held the file")
    documents_requested_at = serializers.DateTimeField(
        allow_null=True, help_text="when the oldest request for documents still unanswered was made (null: none is open)")
    documents_answered_at = serializers.DateTimeField(
        allow_null=True, help_text="when the trader last answered a request for documents (null: never)")
    amendment_pending = serializers.BooleanField(help_text="an amendment request of the trader awaits a decision")
    assigned_to = AssignedOfficerSerializer(allow_null=True, read_only=True,
                                            help_text="the officer who checks it (null: in the office's pool)")

    class Meta(DeclarationListSerializer.Meta):
        fields = [f for f in DeclarationListSerializer.Meta.fields if f != "item_count"] + [
            "risk_score", "fired_rules", "waiting_seconds", "waiting_on_customs_seconds", "waiting_on_trader_seconds",
            "documents_requested_at", "documents_answered_at", "amendment_pending", "assigned_to"]
        read_only_fields = fields

    def _now(self):
        return self.context.setdefault("now", timezone.now())

    def get_waiting_seconds(self, declaration) -> int | None:
        return int((self._now() - declaration.assessed_at).total_seconds()) if declaration.assessed_at else None

    def get_waiting_on_trader_seconds(self, declaration) -> int:
        return int(declaration.trader_seconds or 0)

    def get_waiting_on_customs_seconds(self, declaration) -> int | None:
        waiting = self.get_waiting_seconds(declaration)
        return None if waiting is None else max(waiting - self.get_waiting_on_trader_seconds(declaration), 0)


class ReviewQueueFilterSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=["yellow", "red"], required=False)
    office = serializers.CharField(max_length=4, required=False)
    enterprise = serializers.CharField(max_length=255, required=False, help_text="tax code or part of the name")
    hs_chapter = serializers.RegexField(r"^\d{2,8}$", required=False, help_text="HS chapter or longer prefix")
    min_wait_minutes = serializers.IntegerField(min_value=0, max_value=10**6, required=False)
    assigned = serializers.ChoiceField(choices=["me", "none"], required=False,
                                       help_text="`me`: assigned to you; `none`: not assigned to anyone (the offices' pool)")


class GateReleaseSerializer(serializers.Serializer):
    declaration_number = serializers.CharField(max_length=200, help_text="the 12-digit number, or the QR content of the printed declaration")
    container_numbers = serializers.ListField(child=serializers.CharField(max_length=20), max_length=500, default=list)


class GateReleaseResultSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    released_at = serializers.DateTimeField()
    container_numbers = serializers.ListField(child=serializers.CharField())

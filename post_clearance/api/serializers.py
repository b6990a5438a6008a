"""The post-clearance audit API's bodies (docs/api-additions.md, "Post-clearance audit")."""
from rest_framework import serializers

from customs_portal.api.fields import DecimalField
from post_clearance.lifecycle import AuditOutcome, AuditStatus
from post_clearance.selectors import additional_amount_due


class AuditLineSerializer(serializers.Serializer):
    line_no = serializers.IntegerField(source="item.line_no")
    customs_value = serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True,
                                             help_text="corrected customs value, invoice currency")
    hs_code = serializers.CharField(help_text="corrected HS code; empty when unchanged")
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3, allow_null=True)
    taxes_declared = serializers.DictField(child=serializers.CharField(), help_text="VND per tax, as declared")
    taxes_corrected = serializers.DictField(child=serializers.CharField(), help_text="VND per tax, with the corrected values")


class AdditionalAssessmentSerializer(serializers.Serializer):
    taxes = serializers.DictField(child=serializers.CharField(), help_text="VND per tax under-declared")
    tax_amount = serializers.DecimalField(max_digits=20, decimal_places=0)
    due_date = serializers.DateField(help_text="the declaration's original due date: late interest runs from it")
    tax_paid = serializers.DecimalField(max_digits=20, decimal_places=0)
    interest_paid = serializers.DecimalField(max_digits=20, decimal_places=0)
    settled_at = serializers.DateTimeField(allow_null=True)


class AuditSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    declaration = serializers.IntegerField(source="declaration_id")
    declaration_number = serializers.CharField(source="declaration.number")
    enterprise = serializers.CharField(source="declaration.enterprise.tax_code")
    customs_office = serializers.CharField(source="customs_office_id")
    status = serializers.ChoiceField(choices=AuditStatus.choices)
    outcome = serializers.ChoiceField(choices=AuditOutcome.choices, allow_blank=True)
    selected_at = serializers.DateTimeField()
    selection_reason = serializers.CharField(source="selection.reason", default=None, allow_null=True)
    deadline = serializers.DateField()
    opened_at = serializers.DateTimeField(allow_null=True)
    auditor = serializers.CharField(source="auditor.username", default=None, allow_null=True)
    findings = serializers.CharField()
    discrepancy = serializers.BooleanField(allow_null=True)
    findings_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    additional_amount = serializers.SerializerMethodField(help_text="VND still to pay of the additional assessment; null when none")

    def get_additional_amount(self, audit) -> str | None:
        amount = additional_amount_due(audit)
        return None if amount is None else str(amount)


class AuditDetailSerializer(AuditSerializer):
    lines = AuditLineSerializer(many=True, source="lines.all")
    additional_assessment = AdditionalAssessmentSerializer(allow_null=True, default=None)


class LineCorrectionSerializer(serializers.Serializer):
    line_no = serializers.IntegerField(min_value=1)
    customs_value = DecimalField(max_digits=20, decimal_places=4, required=False, allow_null=True,
                                 help_text="corrected customs value (CIF for imports, FOB for exports), invoice currency")
    hs_code = serializers.CharField(max_length=8, required=False, allow_blank=True)
    quantity = DecimalField(max_digits=18, decimal_places=3, required=False, allow_null=True)


class FindingsSerializer(serializers.Serializer):
    findings = serializers.CharField(max_length=10_000, help_text="what the audit found")
    discrepancy = serializers.BooleanField()
    lines = LineCorrectionSerializer(many=True, required=False, default=list,
                                     help_text="goods lines with corrected values; their taxes are computed again")

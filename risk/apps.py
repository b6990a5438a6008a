from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = "Risk"

    def ready(self):
        # Fill the extension points declarations exposes (declarations/extensions.py): declarations
        # sits below risk and never imports it. Imported here, once the models are loaded.
        from declarations import extensions
        from risk.api.serializers import risk_explanation_data
        from risk.compliance_selectors import compliance_summary
        from risk.explanation import risk_explanation
        from risk.selectors import assessment_current_annotations, fired_rule_name
        from risk.services.assessment import risk_assessment_of_amendment
        from risk.tasks import risk_assess_enqueue

        extensions.assessment_enqueue.register(risk_assess_enqueue)
        extensions.amendment_assess.register(risk_assessment_of_amendment)
        extensions.risk_explanation.register(risk_explanation)
        extensions.risk_explanation_data.register(risk_explanation_data)
        extensions.review_queue_annotations.register(assessment_current_annotations)
        extensions.fired_rule_name.register(fired_rule_name)
        extensions.compliance_summary.register(compliance_summary)

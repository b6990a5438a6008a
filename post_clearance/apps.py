from django.apps import AppConfig


class PostClearanceConfig(AppConfig):
    """Post-clearance audit ("blue"). Above declarations, risk and payments: it registers its
    functions with their extension points here; they never import it (docs/architecture.md)."""

    name = "post_clearance"
    verbose_name = "Post-clearance audit"

    def ready(self):
        from declarations import extensions
        from payments.services.later_dues import later_dues_provider_register
        from post_clearance.selectors import (
            post_clearance_findings_by_enterprise,
            post_clearance_outcomes_by_declaration,
            post_clearance_state,
        )
        from post_clearance.services.additional import (
            additional_assessment_dues,
            amendment_difference_dues,
            overdue_additional_assessments,
        )
        from post_clearance.tasks import on_released
        from risk.compliance_selectors import post_clearance_findings_counter_register
        from risk.selectors.model_history import model_label_source_register

        extensions.goods_released.register(on_released)
        extensions.post_clearance_state.register(post_clearance_state)
        extensions.overdue_later_dues.register(overdue_additional_assessments)
        later_dues_provider_register(additional_assessment_dues)
        later_dues_provider_register(amendment_difference_dues)
        post_clearance_findings_counter_register(post_clearance_findings_by_enterprise)
        model_label_source_register(post_clearance_outcomes_by_declaration)

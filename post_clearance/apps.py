from django.apps import AppConfig


class PostClearanceConfig(AppConfig):
    """Post-clearance audit ("blue"). Above declarations, risk and payments: it registers its
    functions with their extension points here; they never import it (docs/architecture.md)."""

    name = "post_clearance"
    verbose_name = "Post-clearance audit"

    def ready(self):
        from declarations.extensions import on_released_register, post_clearance_reader_register
        from payments.services.later_dues import later_dues_provider_register
        from post_clearance.selectors import post_clearance_state
        from post_clearance.services.additional import additional_assessment_dues
        from post_clearance.tasks import on_released

        on_released_register(on_released)
        post_clearance_reader_register(post_clearance_state)
        later_dues_provider_register(additional_assessment_dues)

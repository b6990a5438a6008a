"""Post-clearance pages: the auditors' queue and audits (`audits`), and the risk admins' selection
settings, the rates and caps per class and the audit rules (`selection_settings`)."""

"""The risk administration pages, one module per subject: rules and their versions, settings,
enterprises' compliance, watchlisted partners, reference prices, backtests, and changes shown
before they apply. Risk admins only; others get 403.

Views parse the request with a form, read through `risk.selectors`, call one service (the same
as the REST API) and render; the services' validation errors are shown next to the inputs they
concern.
"""

"""Forms of the risk administration pages, one module per subject (rules, settings, enterprises,
watchlists, reference prices, backtests); the condition builder and the display of conditions are
in `conditions`, what the forms share in `common`."""

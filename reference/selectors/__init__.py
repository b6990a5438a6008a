"""Reads of the reference data, one module per subject:

- `exchange_rates`: the exchange rate in force (`exchange_rate_in_force`);
- `tariff_lookup`: the tariff look-up (`tariff_search`) and how a line is shown (`line_description`, `line_parents`);
- `versions`: the version of the reference data (`reference_data_version`), which `reference.cache` reads
  on every validation.

As in every app, raw SQL (here: the tariff look-up's ranking, the version) lives in selectors only.
This package imports none of its modules: `reference.cache` reads `versions`, and `exchange_rates`
reads the cache.
"""

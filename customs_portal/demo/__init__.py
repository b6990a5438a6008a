"""Demonstration data (`services.py::demo_data_seed`, `manage.py seed_demo`, `make demo`)."""

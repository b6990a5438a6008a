"""Settings of the portal processes started by the fault tests: the test settings with the
database connections of production (persistent, health-checked), so that a PostgreSQL
restart leaves stale connections behind for the web server and the worker to recover from."""
from customs_portal.settings.test import *  # noqa: F401,F403
from customs_portal.settings.test import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

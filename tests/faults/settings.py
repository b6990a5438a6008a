"""Settings of the portal processes started by the fault tests: the test settings with the
database connection settings of production (customs_portal/settings/base.py) instead of the
test settings' CONN_MAX_AGE=0: connections health-checked, DB_CONN_MAX_AGE from the environment
(unset for the web server, 60 for the worker, as in production). Whatever connection reuse
production gets, the PostgreSQL restart test gets too."""
from customs_portal.settings.test import *  # noqa: F403
from customs_portal.settings.test import DATABASES, env

DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

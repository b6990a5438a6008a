"""Settings of the portal processes started by the fault tests: the test settings with the
database connection settings of production (customs_portal/settings/base.py): connections
health-checked, closed after each request in the web server (DB_CONN_MAX_AGE unset: 0) and kept
between tasks in the workers (DB_CONN_MAX_AGE=60 in their environment, as in production). The
test settings close them after every task too, which would leave nothing stale for a PostgreSQL
restart to break."""
from customs_portal.settings.test import *  # noqa: F401,F403
from customs_portal.settings.test import DATABASES, env

DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

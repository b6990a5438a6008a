# The portal's image: one image for the web server, the Celery worker and beat, and the
# one-shot init step (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango (and HarfBuzz's subsetter for small PDFs); DejaVu has the
# Vietnamese glyphs; gettext compiles the translations; LightGBM links to libgomp1.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext libgomp1 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app && useradd --system --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Build-time only values: collectstatic and compilemessages load the production
# settings, which refuse to start without these. Nothing here reaches a database.
RUN export DJANGO_SETTINGS_MODULE=customs_portal.settings.production \
        SECRET_KEY=build-only DATABASE_URL=postgres://build@localhost/build ALLOWED_HOSTS=localhost \
        BANK_CALLBACK_SECRET=build-only \
    && if find . -name '*.po' -path '*/LC_MESSAGES/*' | grep -q .; then python manage.py compilemessages; fi \
    && python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var/media \
    && chown -R app:app /app/var

USER app

ENV DJANGO_SETTINGS_MODULE=customs_portal.settings.production \
    MEDIA_ROOT=/app/var/media \
    STATIC_ROOT=/app/var/staticfiles

EXPOSE 8000

# The web server pools its database connections (DB_POOL); Celery workers, from the same image, do not.
# --no-proxy-headers: uvicorn believes no X-Forwarded-For itself; the portal reads it from
# TRUSTED_PROXIES only (docs/operations.md, "Proxies and client addresses").
CMD ["env", "DB_POOL=true", "uvicorn", "customs_portal.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--workers", "4", "--lifespan", "off", "--no-proxy-headers"]

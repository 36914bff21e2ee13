# Mening Uyim: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# WeasyPrint's system libraries (Pango, HarfBuzz) and fonts with Latin, Cyrillic and the
# Uzbek modifier letters (ʻ ʼ), for receipts and protocols.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      libjpeg62-turbo libopenjp2-7 shared-mime-info \
      fonts-dejavu-core fonts-noto-core fontconfig \
      curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .
# Static files and translations are built into the image; the values below exist only so
# that production settings load at build time, they are not used at run time.
RUN python manage.py compile_translations \
 && DJANGO_ENV=production DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://build:6379/0 \
    EMAIL_URL=consolemail:// DJANGO_STATIC_ROOT=/app/staticfiles \
    python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --home /app mu && mkdir -p /app/var && chown -R mu /app/var
USER mu

ENV DJANGO_ENV=production DJANGO_STATIC_ROOT=/app/staticfiles MENING_UYIM_VAR_DIR=/app/var
EXPOSE 8000
CMD ["gunicorn", "mening_uyim.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]

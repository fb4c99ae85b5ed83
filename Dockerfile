# The image that docker-compose.yml runs as web, worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=marketplace.settings.production

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Production settings refuse a short key; this one exists only during the build.
RUN SECRET_KEY="$(python -c 'print("collectstatic-" * 5)')" \
    python manage.py collectstatic --noinput

# The app writes its JSON-lines logs under logs/ and nothing else locally.
RUN useradd --create-home --uid 10001 app \
    && mkdir -p logs var \
    && chown app:app logs var
USER app

EXPOSE 8000
CMD ["uvicorn", "marketplace.asgi:application", \
     "--host", "0.0.0.0", "--port", "8000", "--no-access-log"]

"""ASGI entry point: uvicorn serves the API, the admin and the SSE streams."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")

application = get_asgi_application()

"""The ASGI application for `perennial web` (and any ASGI server): settings from the environment."""

from api.app import create_app
from api.settings import Settings
from api.telemetry import configure_tracing

settings = Settings()
configure_tracing(settings, "web")
app = create_app(settings)

"""The ASGI application for `perennial web` (and any ASGI server): settings from the environment."""

from api.app import create_app
from api.settings import Settings

app = create_app(Settings())

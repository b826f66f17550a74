"""The WSGI entry point: `flask --app wsgi ...` and `gunicorn wsgi:app`."""
from globe import create_app

app = create_app()

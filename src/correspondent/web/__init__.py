"""The web app: server-rendered pages (Jinja2) enhanced by htmx, on the same use cases as the API.

Pages get ready-made views from ``correspondent.services`` with the signed-in user's actor and
never touch storage. Every page sends its own Content-Security-Policy (no inline script, no
``unsafe-eval``); every form carries the session's CSRF token; all text goes through the
message catalogs in ``locales/`` (English and Japanese).
"""

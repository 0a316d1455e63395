"""The bare ceiling: a minimal Django project doing one primary-key query, nothing else.

No middleware, no sessions, no templates: the database settings are the app's own (the same
DATABASE_URL, engine options and connection reuse), served by the same gunicorn command as the
app (`bench.measure.start_gunicorn`). What Django, the database driver and the server cost for one
query, so the project's ceiling page and every other page can be given as a share of it.
"""

"""The one JSON log line format, shared by Django's logging and gunicorn's."""

JSON_FORMATTER = {
    "()": "pythonjsonlogger.json.JsonFormatter",
    "fmt": "%(levelname)s %(name)s %(message)s",
    # An ISO 8601 time in UTC, whatever TIME_ZONE the pages use.
    "timestamp": "time",
    "rename_fields": {"levelname": "level", "name": "logger"},
}

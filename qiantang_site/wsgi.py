import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiantang_site.settings")
application = get_wsgi_application()

# An app server that cannot reach its database says so at start, once and plainly, instead of
# answering every request with a 500.
from qiantang_site.startup import require_database  # noqa: E402

require_database()

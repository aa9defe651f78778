"""The HTTP methods readers' pages answer: GET and HEAD, and OPTIONS to say so.

Every readers' URL (articles/urls.py) goes through read_only(). Any other method gets 405 with
`Allow: GET, HEAD` and no body, from Django's own require_safe: before, TRACE and OPTIONS got
the whole page back, and POST, PUT, DELETE or PATCH the CSRF failure page.
"""

from functools import wraps

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

ALLOW = "GET, HEAD"


def read_only(view):
    """`view`, answering GET and HEAD; 405 for other methods, 204 with Allow for OPTIONS.

    OPTIONS is answered 204 with the same `Allow: GET, HEAD` as a 405: the page can be fetched
    with those two, and an OPTIONS request only asks which they are.

    csrf_exempt: CsrfViewMiddleware runs before the view and would answer a POST with its 403
    page, so the 405 would never be seen. Exempting these views is safe because a request
    other than GET or HEAD never reaches them (require_safe refuses it first), and GET and
    HEAD change nothing; CSRF protection guards state-changing requests, and these views
    make none.
    """
    safe_view = require_safe(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response.headers["Allow"] = ALLOW
            return response
        return safe_view(request, *args, **kwargs)

    return csrf_exempt(wrapped)

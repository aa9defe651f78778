"""Search engines are kept out of the admin by a header on its responses, not by robots.txt.

robots.txt is public: a `Disallow:` line naming the admin's path (DJANGO_ADMIN_PATH) would hand
the path a deployment chose to keep out of scanners' way to anyone who reads the file. Instead
every response under that path, from the https redirect to the login and lock-out pages, says
`X-Robots-Tag: noindex, nofollow`, which only a visitor who already found the path sees.
"""

from django.conf import settings

ROBOTS_TAG = "noindex, nofollow"


class AdminRobotsTagMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Read on each request (a string comparison), so the setting is the one in force.
        prefix = "/" + settings.ADMIN_PATH
        path = request.path_info
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            response.headers["X-Robots-Tag"] = ROBOTS_TAG
        return response

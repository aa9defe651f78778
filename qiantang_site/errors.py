"""Error pages Django would otherwise write in English or as a 500.

A request the site could not read: Django turns a body over DATA_UPLOAD_MAX_MEMORY_SIZE, more fields than
DATA_UPLOAD_MAX_NUMBER_FIELDS (or files than DATA_UPLOAD_MAX_NUMBER_FILES), an unknown host and
other malformed requests into a 400, answered by handler400 (qiantang_site/urls.py). Staff meet
these in the admin (a whole newspaper pasted into the print import, twenty thousand articles ticked
for one action), so the page says in Chinese what happened, that nothing was saved, and what to
do instead. It is rendered without the request's context: for an unknown host even reading the
host raises again.

The database unreachable: a 503 page saying so (and Retry-After), not the 500 "server error"
page, for any view that needed it. Stored article pages are still answered meanwhile
(articles/pagecache.py).
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.views.defaults import page_not_found

logger = logging.getLogger("qiantang_site.errors")

# When a reader may try again: long enough for a database restart.
RETRY_AFTER_SECONDS = 30

BACK = "按浏览器的“后退”键可以回到刚才的页面，填写的内容一般还在。"


def _megabytes(n):
    return f"{n / 1024 / 1024:.1f} MB".replace(".0 MB", " MB")


def _is_print_import(request):
    try:
        return request.path == reverse("admin:articles_article_import_print_page")
    except NoReverseMatch:
        return False


def _explain(request, exception):
    """Status, title and paragraphs for what went wrong."""
    if isinstance(exception, RequestDataTooBig):
        limit = _megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        # 413 says what it is (Content Too Large); it is the 400 family all the same.
        if _is_print_import(request):
            return (
                413,
                "粘贴的文字太多，没有收到",
                [
                    f"粘贴的文字超过了网站一次能接收的 {limit}，服务器没有读取，"
                    "也没有创建任何草稿。",
                    "一个版面的文字不超过 1 MB：请只粘贴一个版面的文字。"
                    "文字在文件里的，请在“或者上传文本文件”处上传那个 .txt 文件，"
                    "上传的文件不受这个限制，太大时表单上会说明。",
                    "按浏览器的“后退”键可以回到导入页面，粘贴的文字一般还在。",
                ],
            )
        return (
            413,
            "提交的内容太多，没有收到",
            [
                f"这次提交的文字超过了网站一次能接收的 {limit}，服务器没有读取，"
                "也没有保存任何内容。图片和文件请用上传按钮上传，它们不受这个限制。",
                BACK,
            ],
        )
    if isinstance(exception, TooManyFieldsSent):
        most = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return (
            400,
            "一次提交的项目太多，没有处理",
            [
                f"这次提交包含的项目超过了 {most} 个，服务器没有处理，也没有保存任何内容。",
                f"在列表里批量操作时，请分几次进行，每次选择少于 {most} 项。",
                BACK,
            ],
        )
    if isinstance(exception, TooManyFilesSent):
        most = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return (
            400,
            "一次上传的文件太多，没有处理",
            [
                f"这次上传的文件超过了 {most} 个，服务器没有处理，也没有保存任何内容。",
                "请分几次上传。",
                BACK,
            ],
        )
    return (
        400,
        "请求有误",
        [
            "浏览器发来的请求不完整或格式不对，服务器无法处理，也没有保存任何内容。",
            "请回到上一页再试一次；如果反复出现，请联系网站的技术人员。",
        ],
    )


def bad_request(request, exception):
    """handler400: Django's own page is English and says nothing of what to do."""
    status, title, paragraphs = _explain(request, exception)
    in_admin = request.path.startswith("/" + settings.ADMIN_PATH)
    context = {
        "title": title,
        "paragraphs": paragraphs,
        "home": reverse("admin:index") if in_admin else "/",
        "home_label": "回到后台首页" if in_admin else "回到首页",
    }
    body = loader.get_template("400.html", using="django").render(context)
    return HttpResponse(body, status=status)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's page is English in debug and tells staff to set DEBUG=True
    otherwise. What happened is mostly a form left open past the session or the login."""
    in_admin = request.path.startswith("/" + settings.ADMIN_PATH)
    context = {
        "title": "表单已过期，没有保存",
        "paragraphs": [
            "这个表单打开太久，或者中途重新登录过，为了安全，服务器没有处理这次提交，也没有保存任何内容。",
            "请按浏览器的“后退”回到表单，复制好填写的内容，刷新页面后再提交一次。",
        ],
        "home": reverse("admin:index") if in_admin else "/",
        "home_label": "回到后台首页" if in_admin else "回到首页",
    }
    body = loader.get_template("400.html", using="django").render(context)
    return HttpResponse(body, status=403)


def permission_denied(request, exception):
    """handler403: Django's page is a bare English "403 Forbidden". A staff member meets it
    on an admin page their group may not use (a reporter on the digital edition's pages)."""
    in_admin = request.path.startswith("/" + settings.ADMIN_PATH)
    if in_admin:
        paragraphs = [
            "你的账号没有使用这个页面的权限，服务器没有处理这次请求，也没有保存任何内容。",
            "如果工作需要用到它，请联系网站管理员为你的账号或所在的组（编辑、记者）加上相应的权限。",
        ]
    else:
        paragraphs = ["这个页面不对外开放。"]
    context = {
        "title": "没有权限访问这个页面",
        "paragraphs": paragraphs,
        "home": reverse("admin:index") if in_admin else "/",
        "home_label": "回到后台首页" if in_admin else "回到首页",
    }
    body = loader.get_template("400.html", using="django").render(context)
    return HttpResponse(body, status=403)


def database_unavailable(request):
    """The 503 page for a request that needed the unreachable database."""
    response = render(request, "503.html", status=503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A proxy or CDN keeping this would go on answering it after the database is back.
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Answers a view that could not reach the database with the 503 page instead of a 500.

    OperationalError and InterfaceError are what Django raises when it cannot connect, or the
    connection breaks; a query the database refuses (ProgrammingError, IntegrityError) is a
    bug and stays a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable", extra={"path": request.path, "error": str(exception)})
        return database_unavailable(request)


class SiteNotFoundUnderDebugMiddleware:
    """Under DEBUG (`make serve`), a public address that finds nothing gets the site's own 404
    page, as readers get it in production, not Django's English debug page.

    Django answers every 404 with its debug page when DEBUG is on. Here a view's Http404
    (process_exception) and an address no URL matches (no resolver_match) get the site's page
    instead, through Django's own page_not_found as without DEBUG. The admin keeps the debug
    page, which lists its URLs for staff, and DJANGO_DEBUG_TECHNICAL_404=1 brings it back
    everywhere. Without DEBUG this does nothing: Django already renders the site's page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is None
            and self._applies(request)
        ):
            return page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self._applies(request):
            return page_not_found(request, exception)
        return None

    @staticmethod
    def _applies(request):
        if not settings.DEBUG or settings.DEBUG_TECHNICAL_404:
            return False
        return not request.path.startswith(f"/{settings.ADMIN_PATH}")

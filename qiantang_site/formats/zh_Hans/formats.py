# Django's own zh_Hans formats, with input formats that Python's strptime can parse.
# Django ships "%Y年%n月%j日", but strptime has no %n and reads %j as the day of the year,
# so a date typed the Chinese way would never be accepted.
from django.conf.locale.zh_Hans.formats import *  # noqa: F403

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-11-27'
    "%Y/%m/%d",  # '2026/11/27'
    "%Y年%m月%d日",  # '2026年11月27日', also '2026年1月5日'
    "%Y.%m.%d",  # '2026.11.27'
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",
    "%H:%M:%S.%f",
    "%H:%M",
    "%H时%M分",
]
DATETIME_INPUT_FORMATS = [
    f"{date} {time}" for date in DATE_INPUT_FORMATS for time in TIME_INPUT_FORMATS
] + [f"{date}{time}" for date in ["%Y年%m月%d日"] for time in TIME_INPUT_FORMATS]

"""What Chinese text is written in, for regular expressions. No Django: the print-page reader
(printpage.py, printlines.py) uses it as well as the checks before publishing."""

# The CJK unified ideographs, extension A and the compatibility ideographs: the body of a
# character class, as in rf"[{IDEOGRAPHS}]".
IDEOGRAPHS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

"""URL converters: an object's id in a path is 1 to 18 digits.

Django's ``int`` converter accepts any number of digits, and a number past 64 bits reached the
database as a query it cannot run (a 500). An ``id`` longer than any key can be simply does not
match: a 404, like any other address that names nothing (issue: hardening)."""

from __future__ import annotations


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))

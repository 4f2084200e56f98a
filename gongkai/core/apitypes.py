"""Bounded integer types for the JSON API: every integer a client sends has a documented range,
so that a value the database cannot hold (beyond 64 bits, an offset past any table) is a 422
with the standard error body, never a 500 (issue: hardening; STYLE: the public contract)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_DB_INT = 2**63 - 1  # the largest primary key PostgreSQL and SQLite can hold
MAX_SMALL = 2**31 - 1

Id = Annotated[int, Field(ge=1, le=MAX_DB_INT, description="对象编号（1 至 2^63−1）")]
Limit = Annotated[int, Field(ge=1, le=200)]
Offset = Annotated[int, Field(ge=0, le=1_000_000)]
Page = Annotated[int, Field(ge=1, le=10_000)]
Year = Annotated[int, Field(ge=1949, le=2100)]
Count = Annotated[int, Field(ge=0, le=MAX_SMALL)]
Days = Annotated[int, Field(ge=-3660, le=3660)]

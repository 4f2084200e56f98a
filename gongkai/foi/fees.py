"""信息处理费 under 国办函〔2020〕109号 (RULES §4): the tiers and the arithmetic, no database.

Tiers are written as text in the settings so that a province's standard can replace the national
one without code: ``"10:0,30:100,+10:+100"`` reads "up to 10 free, up to 30 at 100, then in bands
of 10 each 100 more"; ``"30:0,100:10,200:20,*:40"`` ends with an unbounded tier at 40.

- 按件计收 (第四条): the price of an application is the price of the tier its place in the
  applicant's month falls in (the 45th application of a month costs what 41–50 costs).
- 按量计收 (第五条): the pages of one application, charged progressively over the tiers
  (超额累进: 150 pages = 70 × 10 + 50 × 20).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Tiers:
    bounds: tuple[tuple[int, int], ...]  # (inclusive upper bound, price), increasing
    tail_price: int | None = None  # "*:P": everything above the last bound at P
    band_width: int = 0  # "+W:+S": further bands of W, each S more than the one before
    band_step: int = 0


def parse_tiers(text: str) -> Tiers:
    """Read a tier string; ``ValueError`` naming the bad part when it is malformed.

    No translation here: settings call this before the translation machinery is ready.
    """
    bounds: list[tuple[int, int]] = []
    tail_price: int | None = None
    width = step = 0
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise ValueError(f"bad tiers {text!r}")
    for index, part in enumerate(parts):
        left, sep, right = part.partition(":")
        last = index == len(parts) - 1
        try:
            if left == "*" and last:
                tail_price = int(right)
            elif left.startswith("+") and right.startswith("+") and last:
                width, step = int(left[1:]), int(right[1:])
                if width <= 0:
                    raise ValueError
            else:
                upto, price = int(left), int(right)
                if not sep or upto <= (bounds[-1][0] if bounds else 0) or price < 0:
                    raise ValueError
                bounds.append((upto, price))
        except ValueError:
            raise ValueError(f"bad tier {part!r}") from None
    if not bounds:
        raise ValueError(f"bad tiers {text!r}")
    return Tiers(tuple(bounds), tail_price, width, step)


def price_at(tiers: Tiers, n: int) -> int:
    """The price of unit number ``n`` (1-based)."""
    for upto, price in tiers.bounds:
        if n <= upto:
            return price
    last_upto, last_price = tiers.bounds[-1]
    if tiers.band_width:
        band = (n - last_upto - 1) // tiers.band_width + 1
        return last_price + band * tiers.band_step
    if tiers.tail_price is not None:
        return tiers.tail_price
    return last_price


@dataclass(frozen=True)
class Fee:
    amount: int
    breakdown: str


def per_item_fee(tiers: Tiers, month_count: int) -> Fee:
    """按件: the fee of the application that is the applicant's ``month_count``-th this month."""
    price = price_at(tiers, month_count)
    return Fee(
        price,
        _("本自然月第 %(n)d 件申请，按件计收 %(p)d 元/件") % {"n": month_count, "p": price},
    )


def per_volume_fee(tiers: Tiers, pages: int) -> Fee:
    """按量: progressive over the page tiers."""
    total, parts, first = 0, [], 1
    segments: list[tuple[int, int | None, int]] = []
    for upto, price in tiers.bounds:
        segments.append((first, upto, price))
        first = upto + 1
    if tiers.band_width:
        price = tiers.bounds[-1][1]
        while first <= pages:
            price += tiers.band_step
            segments.append((first, first + tiers.band_width - 1, price))
            first += tiers.band_width
    else:
        segments.append((first, None, tiers.tail_price or tiers.bounds[-1][1]))
    for start, end, price in segments:
        if pages < start:
            break
        count = (pages if end is None else min(pages, end)) - start + 1
        if count > 0 and price:
            total += count * price
            parts.append(
                _("第%(a)d–%(b)d页 %(c)d 页 × %(p)d 元")
                % {"a": start, "b": start + count - 1, "c": count, "p": price}
            )
    detail = "；".join(parts) if parts else _("未超过免费页数")
    return Fee(total, _("共 %(n)d 页，按量计收：%(d)s") % {"n": pages, "d": detail})

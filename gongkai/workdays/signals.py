"""Signals other modules listen to, so that the calendar need not know who uses its clocks."""

from django.dispatch import Signal

# Sent after stored clocks were recomputed (a calendar change, the daily run) with
# ``clock_ids``: the clocks whose due date, state or provisional flag changed.
clocks_recomputed = Signal()

# Sent inside the transaction of a calendar change (a notice imported, a day corrected) with
# ``actor`` (who changed it) and ``calendar`` (the new ``WorkCalendar``). Receivers recompute the
# dates they stored from the calendar in that same transaction, so that no action can read a
# stale one once the change is visible; the clocks follow in a task after the commit.
calendar_changed = Signal()

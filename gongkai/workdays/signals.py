"""Signals other modules listen to, so that the calendar need not know who uses its clocks."""

from django.dispatch import Signal

# Sent after stored clocks were recomputed (a calendar change, the daily run) with
# ``clock_ids``: the clocks whose due date, state or provisional flag changed.
clocks_recomputed = Signal()

"""Staff pages of proactive disclosure, and the public page of a published item."""

from __future__ import annotations

from gongkai.disclosure.views.common import (
    PAGE_SIZE,
    _int,
    _organ,
    _year,
)
from gongkai.disclosure.views.items import (
    BEFORE_PUBLICATION,
    FORM_FIELDS,
    action_view,
    attachment_view,
    edit_view,
    item_view,
    list_view,
    missing_interpretations_view,
    review_queue_view,
)
from gongkai.disclosure.views.public import (
    public_attachment_view,
    public_guide_view,
    public_item_view,
    public_powers_view,
)
from gongkai.disclosure.views.registers import (
    catalogue_view,
    guide_view,
    ledger_export_view,
    ledger_view,
    powers_view,
    settings_view,
)

__all__ = [
    "BEFORE_PUBLICATION",
    "FORM_FIELDS",
    "PAGE_SIZE",
    "_int",
    "_organ",
    "_year",
    "action_view",
    "attachment_view",
    "catalogue_view",
    "edit_view",
    "guide_view",
    "item_view",
    "ledger_export_view",
    "ledger_view",
    "list_view",
    "missing_interpretations_view",
    "powers_view",
    "public_attachment_view",
    "public_guide_view",
    "public_item_view",
    "public_powers_view",
    "review_queue_view",
    "settings_view",
]

"""Published content goes into the index after its commit; a withdrawal takes it out at once."""

from __future__ import annotations

from typing import Any

from gongkai.core.publishable import Event, listen


def on_announce(event: Event, obj: Any) -> None:
    from gongkai.search.services import doc_id_of, index_document, remove_document

    if event == "withdrawn":
        remove_document(doc_id_of(obj))
    else:
        index_document(doc_id_of(obj), obj.search_document())


def connect() -> None:
    listen(on_announce)

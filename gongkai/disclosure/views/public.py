"""The public pages the app serves itself: an item, its attachments, the 权责清单 and
the 公开指南.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from gongkai.disclosure.choices import ItemStatus
from gongkai.disclosure.models import Attachment
from gongkai.disclosure.selectors import (
    PUBLIC_ITEM_TEMPLATE,
    public_item_pages,
)


def public_item_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page of a published (or withdrawn, marked) item, from its latest version."""
    page = public_item_pages([pk])
    if not page:
        raise Http404
    return render(request, PUBLIC_ITEM_TEMPLATE, page[0])


def public_attachment_view(request: HttpRequest, pk: int, name: str = "") -> FileResponse:
    """A file of the item's latest published version (also while a revision is in progress).

    Served with the type detected at upload; only PDFs and images open in the browser, anything
    else downloads, so an uploaded page can never run as part of the site.
    """
    attachment = get_object_or_404(Attachment.objects.select_related("item"), pk=pk)
    item = attachment.item
    version = item.versions.order_by("-version").first()
    listed = version is not None and any(
        a.get("id") == attachment.pk for a in version.snapshot.get("attachments", [])
    )
    if not listed or item.status == ItemStatus.WITHDRAWN:
        raise Http404
    inline = attachment.media_type == "application/pdf" or attachment.media_type.startswith(
        "image/"
    )
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=not inline, filename=attachment.original_name
    )
    response["Content-Type"] = attachment.media_type
    return response


def public_powers_view(request: HttpRequest, organ_id: int) -> HttpResponse:
    from gongkai.accounts.models import Organ
    from gongkai.disclosure.models import PowerList

    organ = get_object_or_404(Organ, pk=organ_id, is_active=True)
    current = PowerList.objects.filter(organ=organ, is_current=True).first()
    return render(
        request,
        "disclosure/public_powers.html",
        {"organ": organ, "current": current, "items": current.items.all() if current else []},
    )


def public_guide_view(request: HttpRequest, organ_id: int) -> HttpResponse:
    from gongkai.accounts.models import Organ
    from gongkai.disclosure import guide

    organ = get_object_or_404(Organ, pk=organ_id, is_active=True)
    current = guide.current_guide(organ)
    if current is None:
        raise Http404
    return render(request, "disclosure/public_guide.html", {"organ": organ, "guide": current})

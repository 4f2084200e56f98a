"""The public search page (a dynamic island of the published site)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gongkai.accounts.models import Organ
from gongkai.disclosure.choices import ItemKind
from gongkai.disclosure.models import CatalogueNode
from gongkai.search.backends import Filters
from gongkai.search.models import SearchDocument
from gongkai.search.selectors import search


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def search_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200].strip()
    organ = Organ.objects.filter(pk=_int(request.GET.get("organ")) or 0).first() or (
        Organ.objects.filter(is_active=True).order_by("pk").first()
    )
    nodes = list(CatalogueNode.objects.filter(organ=organ, is_active=True).order_by("sort_order"))
    node_id = _int(request.GET.get("node"))
    year = _int(request.GET.get("year"))
    publisher = request.GET.get("publisher", "")[:200]
    kind = request.GET.get("kind", "") if request.GET.get("kind") in ItemKind.values else ""
    page = max(1, min(_int(request.GET.get("page")) or 1, 100))
    family: tuple[int, ...] = ()
    if node_id:
        from gongkai.publishing.selectors import node_family

        chosen = next((n for n in nodes if n.pk == node_id), None)
        family = tuple(node_family(chosen)) if chosen else ()
    results = search(
        query,
        filters=Filters(
            organ_id=organ.pk if organ else None,
            node_ids=family,
            year=year,
            publisher=publisher,
            kind=kind,
        ),
        page=page,
    )
    years = sorted(
        {d.year for d in SearchDocument.objects.dates("published_on", "year")}, reverse=True
    )
    publishers = list(
        SearchDocument.objects.exclude(publisher="")
        .values_list("publisher", flat=True)
        .distinct()
        .order_by("publisher")[:100]
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "search/search.html",
        {
            "organ": organ,
            "results": results,
            "nodes": nodes,
            "node_id": node_id,
            "years": years,
            "year": year,
            "publishers": publishers,
            "publisher": publisher,
            "kinds": ItemKind.choices,
            "kind": kind,
            "query_string": params.urlencode(),
        },
    )

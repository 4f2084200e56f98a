"""The organ's registers and settings: 权责清单, 公开指南, 规范性文件台账 (with export),
主动公开设置, the 公开目录.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongkai.accounts.permissions import Action, can
from gongkai.accounts.selectors import list_actable_units
from gongkai.core.errors import DomainError
from gongkai.core.time import today_local
from gongkai.disclosure import services
from gongkai.disclosure.choices import ItemStatus
from gongkai.disclosure.forms import (
    DisclosureSettingsForm,
    GuideForm,
    NormativeForm,
    PowerUploadForm,
)
from gongkai.disclosure.models import CatalogueNode, DisclosureItem
from gongkai.disclosure.selectors import (
    get_disclosure_settings,
)
from gongkai.disclosure.views.common import _int, _organ, _year


@login_required
def powers_view(request: HttpRequest) -> HttpResponse:
    """The current 权责清单, the last import's bad rows, and an upload for coordinators."""
    from gongkai.disclosure.models import PowerList
    from gongkai.disclosure.powers import import_power_list

    organ = _organ(request)
    may_import = can(request.user, Action.COORDINATE, organ=organ)
    form = PowerUploadForm(request.POST or None, request.FILES or None) if may_import else None
    if form is not None and request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            power_list = import_power_list(
                organ,
                actor=request.user,
                data=upload.read(),
                source_name=upload.name or "powers.xlsx",
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            bad = power_list.import_job.result.get("bad_rows", 0)
            messages.success(
                request,
                _("已导入 %(n)d 项权力事项；%(bad)d 行有问题未导入，见下表。")
                % {"n": power_list.items.count(), "bad": bad},
            )
            return redirect("disclosure:powers")
    current = PowerList.objects.filter(organ=organ, is_current=True).first()
    return render(
        request,
        "disclosure/powers.html",
        {
            "organ": organ,
            "form": form,
            "current": current,
            "items": current.items.select_related("unit")[:2000] if current else [],
            "errors": current.import_job.row_errors.all() if current else [],
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def guide_view(request: HttpRequest) -> HttpResponse:
    """The 公开指南: current version, reminders, a new version for coordinators."""
    from gongkai.disclosure import guide

    organ = _organ(request)
    current = guide.current_guide(organ)
    may_edit = can(request.user, Action.COORDINATE, organ=organ)
    initial = (
        {f: getattr(current, f) for f in guide.GUIDE_FIELDS}
        if current
        else guide.draft_fields(organ)
    )
    form = GuideForm(request.POST or None, initial=initial) if may_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            guide.save_guide(organ, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("已保存新版本的公开指南。"))
            return redirect("disclosure:guide")
    return render(
        request,
        "disclosure/guide.html",
        {
            "organ": organ,
            "current": current,
            "form": form,
            "reminders": guide.guide_reminders(organ),
            "versions": organ.guide_versions.select_related("created_by")[:20],
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def ledger_view(request: HttpRequest) -> HttpResponse:
    """The 规范性文件台账: register, change status, expiring documents, yearly counts."""
    from gongkai.disclosure import ledger
    from gongkai.disclosure.models import NormativeDocument

    organ = _organ(request)
    units = list_actable_units(organ, user=request.user)
    form = (
        NormativeForm(request.POST if request.POST.get("form") == "register" else None, units=units)
        if units.exists()
        else None
    )
    if request.method == "POST" and request.POST.get("form") == "status":
        doc = get_object_or_404(
            NormativeDocument, organ=organ, pk=_int(request.POST.get("doc")) or 0
        )
        replaced = NormativeDocument.objects.filter(
            organ=organ, pk=_int(request.POST.get("replaced_by")) or 0
        ).first()
        try:
            import datetime as dt

            on = dt.date.fromisoformat(request.POST.get("on", ""))
            ledger.change_document_status(
                doc,
                actor=request.user,
                status=request.POST.get("status", ""),
                on=on,
                replaced_by=replaced,
            )
        except ValueError:
            messages.error(request, _("请填写变更日期。"))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已更新状态。"))
        return redirect("disclosure:ledger")
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            ledger.register_document(organ, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("已登记。"))
            return redirect("disclosure:ledger")
    today = today_local()
    year = _year(request.GET.get("year")) or today.year
    return render(
        request,
        "disclosure/ledger.html",
        {
            "organ": organ,
            "form": form,
            "year": year,
            "documents": NormativeDocument.objects.filter(organ=organ).select_related(
                "drafting_unit", "replaced_by"
            ),
            "expiring": ledger.expiring_documents(organ, today=today),
            "counts": ledger.yearly_counts(organ, year),
            "may_change": can(request.user, Action.COORDINATE, organ=organ),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def ledger_export_view(request: HttpRequest) -> HttpResponse:
    from gongkai.disclosure import ledger

    organ = _organ(request)
    response = HttpResponse(
        ledger.ledger_xlsx(organ),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="normative-ledger.xlsx"'
    return response


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    """The organ's own disclosure rules (RULES §7.1: 解读 forms), set by its coordinators."""
    organ = _organ(request)
    if not can(request.user, Action.COORDINATE, organ=organ):
        raise Http404
    initial = {"is_other_form_required": get_disclosure_settings(organ).is_other_form_required}
    # Bound on every POST: an unticked box sends nothing, and that too is a choice.
    form = DisclosureSettingsForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if form.is_valid():
        services.update_disclosure_settings(organ, actor=request.user, **form.cleaned_data)
        messages.success(request, _("已保存主动公开设置。"))
        return redirect("disclosure:settings")
    return render(request, "disclosure/settings.html", {"organ": organ, "form": form})


@login_required
def catalogue_view(request: HttpRequest) -> HttpResponse:
    """The 公开目录 tree: add a column, rename, move, set its update cadence, retire it."""
    from gongkai.disclosure.catalogue import save_node

    organ = _organ(request)
    nodes = list(CatalogueNode.objects.filter(organ=organ).select_related("parent"))
    may_edit = can(request.user, Action.COORDINATE, organ=organ)
    if request.method == "POST":
        if not may_edit:
            raise Http404
        by_id = {n.pk: n for n in nodes}
        node = by_id.get(_int(request.POST.get("node")) or 0)
        parent = by_id.get(_int(request.POST.get("parent")) or 0)
        cadence = _int(request.POST.get("cadence_days"))
        try:
            save_node(
                organ,
                actor=request.user,
                name=request.POST.get("name", ""),
                parent=parent,
                cadence_days=cadence,
                node=node,
                is_active=request.POST.get("is_active", "1") == "1",
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("目录已更新。"))
        return redirect("disclosure:catalogue")
    counts = {
        row["node_id"]: row["n"]
        for row in DisclosureItem.objects.filter(organ=organ, status=ItemStatus.PUBLISHED)
        .values("node_id")
        .annotate(n=Count("pk"))
    }
    rows = []

    def walk(parent_id: int | None, depth: int) -> None:
        for node in nodes:
            if node.parent_id == parent_id:
                rows.append((min(depth, 3), node, counts.get(node.pk, 0)))
                walk(node.pk, depth + 1)

    walk(None, 0)
    return render(
        request,
        "disclosure/catalogue.html",
        {"organ": organ, "rows": rows, "nodes": nodes, "may_edit": may_edit},
    )

"""Staff pages of proactive disclosure, and the public page of a published item."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.accounts.organs import current_organ
from gongkai.accounts.permissions import Action, can
from gongkai.accounts.selectors import list_actable_units
from gongkai.core.errors import DomainError
from gongkai.core.time import today_local
from gongkai.disclosure import services
from gongkai.disclosure.catalogue import ensure_catalogue
from gongkai.disclosure.checks import publication_problems
from gongkai.disclosure.choices import ItemKind, ItemStatus
from gongkai.disclosure.forms import (
    AttachmentForm,
    DisclosureSettingsForm,
    GuideForm,
    ItemForm,
    NormativeForm,
    PowerUploadForm,
    ReasonForm,
    ReviewForm,
    ValidityForm,
)
from gongkai.disclosure.models import Attachment, CatalogueNode, DisclosureItem
from gongkai.disclosure.permissions import Step, may_return, separation_problem
from gongkai.disclosure.selectors import (
    PUBLIC_ITEM_TEMPLATE,
    SORTS,
    ItemFilter,
    diff_versions,
    get_disclosure_settings,
    get_item,
    list_items,
    list_policies_missing_interpretation,
    list_versions,
    public_item_pages,
    timeliness,
    version_timeliness,
)
from gongkai.disclosure.structured import detail_rows

PAGE_SIZE = 30
FORM_FIELDS = (
    "title",
    "kind",
    "node",
    "unit",
    "topic",
    "doc_number",
    "subject_words",
    "written_on",
    "formed_on",
    "changed_on",
    "summary",
    "body",
    "needs_interpretation",
    "interprets",
)


def _organ(request: HttpRequest) -> Any:
    organ = current_organ(request)
    if organ is None:
        raise Http404
    ensure_catalogue(organ)
    return organ


def _int(value: str | None) -> int | None:
    """An id or year from a query string: ASCII digits only, else ignored."""
    if value and value.isascii() and value.isdecimal() and len(value) < 10:
        return int(value)
    return None


def _year(value: str | None) -> int | None:
    year = _int(value)
    return year if year is not None and 1900 <= year <= 2100 else None


@login_required
def list_view(request: HttpRequest) -> HttpResponse:
    organ = _organ(request)
    get = request.GET
    flt = ItemFilter(
        q=get.get("q", "").strip()[:100],
        status=get.get("status", ""),
        node=_int(get.get("node")),
        unit=_int(get.get("unit")),
        kind=get.get("kind", ""),
        year=_year(get.get("year")),
        sort=get.get("sort", "updated"),
    )
    items = list_items(request.user, organ=organ, flt=flt)
    page = Paginator(items, PAGE_SIZE).get_page(get.get("page"))
    query = get.copy()
    query.pop("page", None)
    return render(
        request,
        "disclosure/list.html",
        {
            "organ": organ,
            "page": page,
            "flt": flt,
            "query": query.urlencode(),
            "statuses": ItemStatus.choices,
            "kinds": ItemKind.choices,
            "sorts": SORTS,
            "nodes": CatalogueNode.objects.filter(organ=organ, is_active=True),
            "units": organ.units.filter(is_active=True),
            "can_create": can(request.user, Action.ACT_FOR_UNIT, organ=organ),
            "can_review": can(request.user, Action.REVIEW, organ=organ),
            "can_coordinate": can(request.user, Action.COORDINATE, organ=organ),
        },
    )


@login_required
def edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create a draft, or edit one (fields kept on error)."""
    organ = _organ(request)
    item = None
    if pk is not None:
        item = get_item(request.user, pk)
        if item is None:
            raise Http404
    units = list_actable_units(organ, user=request.user)
    if not units.exists():
        raise Http404
    kind = item.kind if item else request.GET.get("kind", ItemKind.GENERAL)
    if kind not in ItemKind.values:
        raise Http404
    initial: dict[str, Any] = (
        {f: getattr(item, f) for f in FORM_FIELDS if f != "kind"}
        if item
        else {"formed_on": today_local(), "unit": units.first()}
    )
    if item is not None:
        initial.update({f"detail_{k}": v for k, v in item.details.items()})
        initial["qa"] = "\n".join(f"问：{p['q']}\n答：{p['a']}" for p in item.qa_pairs)
        initial["interpretation_form"] = item.interpretation_form
    policies = list_items(request.user, organ=organ, flt=ItemFilter(kind=ItemKind.POLICY)).exclude(
        status=ItemStatus.WITHDRAWN
    )
    form = ItemForm(
        request.POST or None,
        organ=organ,
        units=units,
        initial=initial,
        kind=kind,
        policies=policies,
        revising=item is not None and item.version > 0,
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = form.service_fields()
            if item is None:
                unit, node, title, formed_on = (
                    data.pop("unit"),
                    data.pop("node"),
                    data.pop("title"),
                    data.pop("formed_on"),
                )
                item = services.create_draft(
                    organ,
                    actor=request.user,
                    unit=unit,
                    node=node,
                    title=title,
                    formed_on=formed_on,
                    **data,
                )
            else:
                data.pop("kind")
                services.update_draft(item, actor=request.user, **data)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("已保存草稿。"))
            return redirect("disclosure:item", pk=item.pk)
    return render(
        request,
        "disclosure/edit.html",
        {"form": form, "item": item},
        status=400 if form.errors else 200,
    )


BEFORE_PUBLICATION = (
    ItemStatus.DRAFT,
    ItemStatus.SUBMITTED,
    ItemStatus.REVIEWED,
    ItemStatus.APPROVED,
)


@login_required
def item_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item(request.user, pk)
    if item is None:
        raise Http404
    organ = item.organ
    user = request.user
    versions = list(list_versions(item))
    diff = diff_versions(versions[1], versions[0]) if len(versions) > 1 else []
    reviewer = item.status == ItemStatus.SUBMITTED and can(user, Action.REVIEW, organ=organ)
    approver = item.status == ItemStatus.REVIEWED and can(user, Action.APPROVE, organ=organ)
    # Separation of duties: an author (or, at approval, the reviewer) is told why not.
    separation = (
        separation_problem(item, user, Step.REVIEW if reviewer else Step.APPROVE)
        if reviewer or approver
        else ""
    )
    return render(
        request,
        "disclosure/item.html",
        {
            "item": item,
            "detail_rows": detail_rows(item.kind, item.details),
            "timeliness": timeliness(item),
            "versions": [(v, version_timeliness(v)) for v in versions],
            "diff": diff,
            "attachments": item.attachments.filter(is_removed=False),
            "interpretations": list_items(
                user, organ=organ, flt=ItemFilter(kind=ItemKind.INTERPRETATION)
            ).filter(interprets=item),
            "may_edit": item.status in (ItemStatus.DRAFT, ItemStatus.REFUSED)
            and can(user, Action.ACT_FOR_UNIT, organ=organ, unit=item.unit),
            "may_revise": item.status == ItemStatus.PUBLISHED
            and can(user, Action.ACT_FOR_UNIT, organ=organ, unit=item.unit),
            "may_review": reviewer and not separation,
            "may_approve": approver and not separation,
            "may_return": may_return(item, user),
            # 发布前检查: what would stop publication, told before anyone is stopped by it.
            "problems": publication_problems(item) if item.status in BEFORE_PUBLICATION else [],
            "separation": separation,
            "may_publish": item.status == ItemStatus.APPROVED
            and can(user, Action.COORDINATE, organ=organ),
            "may_withdraw": item.version > 0
            and item.status != ItemStatus.WITHDRAWN
            and can(user, Action.COORDINATE, organ=organ),
            "attachment_form": AttachmentForm(),
            "review_form": ReviewForm(),
            "reason_form": ReasonForm(),
            "validity_form": ValidityForm(organ=organ, initial={"validity": item.validity}),
        },
    )


@login_required
@require_POST
def action_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One workflow step on one item; errors come back as a message on the item page."""
    item = get_item(request.user, pk)
    if item is None:
        raise Http404
    user, action = request.user, request.POST.get("action", "")
    try:
        if action == "submit":
            services.submit_item(item, actor=user)
        elif action == "review":
            form = ReviewForm(request.POST)
            if not form.is_valid():
                raise Http404
            services.review_item(
                item,
                actor=user,
                decision=form.cleaned_data["decision"],
                basis=form.cleaned_data["basis"],
            )
        elif action == "return":
            services.return_item(item, actor=user, reason=request.POST.get("reason", ""))
        elif action == "approve":
            services.approve_item(item, actor=user)
        elif action == "publish":
            services.publish_item(item, actor=user)
        elif action == "revise":
            services.start_revision(item, actor=user)
        elif action == "withdraw":
            services.withdraw_item(item, actor=user, reason=request.POST.get("reason", ""))
        elif action == "validity":
            validity_form = ValidityForm(request.POST, organ=item.organ)
            if not validity_form.is_valid():
                raise Http404
            services.set_validity(
                item,
                actor=user,
                validity=validity_form.cleaned_data["validity"],
                replaced_by=validity_form.cleaned_data["replaced_by"],
            )
        elif action == "attach":
            upload_form = AttachmentForm(request.POST, request.FILES)
            if not upload_form.is_valid():
                messages.error(request, _("请选择要上传的文件。"))
                return redirect("disclosure:item", pk=item.pk)
            services.add_attachment(
                item,
                actor=user,
                upload=upload_form.cleaned_data["file"],
                alt_text=upload_form.cleaned_data["alt_text"],
            )
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已完成。"))
    return redirect("disclosure:item", pk=item.pk)


@login_required
def review_queue_view(request: HttpRequest) -> HttpResponse:
    """Items awaiting 保密审查, with a bulk decision for the reviewer."""
    organ = _organ(request)
    if not can(request.user, Action.REVIEW, organ=organ):
        raise Http404
    pending = list_items(request.user, organ=organ, flt=ItemFilter(status=ItemStatus.SUBMITTED))
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ids = [n for i in request.POST.getlist("items") if (n := _int(i)) is not None]
        chosen = list(pending.filter(pk__in=ids))
        if not chosen:
            form.add_error(None, _("请至少勾选一项。"))
        else:
            try:
                services.bulk_review(
                    chosen,
                    actor=request.user,
                    decision=form.cleaned_data["decision"],
                    basis=form.cleaned_data["basis"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("已审查 %(n)d 项。") % {"n": len(chosen)})
                return redirect("disclosure:review_queue")
    items = list(pending[:200])
    # Separation of duties: the reviewer's own drafts wait for another reviewer.
    own = set(
        pending.filter(pk__in=[i.pk for i in items], authors=request.user.pk).values_list(
            "pk", flat=True
        )
    )
    return render(
        request,
        "disclosure/review_queue.html",
        {"items": items, "own": own, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def missing_interpretations_view(request: HttpRequest) -> HttpResponse:
    organ = _organ(request)
    return render(
        request,
        "disclosure/missing.html",
        {
            "policies": list_policies_missing_interpretation(
                request.user, organ=organ, today=today_local()
            )
        },
    )


@login_required
def attachment_view(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment, pk=pk, is_removed=False)
    if get_item(request.user, attachment.item_id) is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )
    response["Content-Type"] = attachment.media_type
    return response


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


def public_guide_view(request: HttpRequest, organ_id: int) -> HttpResponse:
    from gongkai.accounts.models import Organ
    from gongkai.disclosure import guide

    organ = get_object_or_404(Organ, pk=organ_id, is_active=True)
    current = guide.current_guide(organ)
    if current is None:
        raise Http404
    return render(request, "disclosure/public_guide.html", {"organ": organ, "guide": current})


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

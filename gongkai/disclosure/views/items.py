"""The staff pages of 主动公开 items: list, edit, the item with its workflow actions,
the review queue, interpretations still missing, attachments.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongkai.accounts.permissions import Action, can
from gongkai.accounts.selectors import list_actable_units
from gongkai.core.errors import DomainError
from gongkai.core.time import today_local
from gongkai.disclosure import services
from gongkai.disclosure.checks import publication_problems
from gongkai.disclosure.choices import ItemKind, ItemStatus
from gongkai.disclosure.forms import (
    AttachmentForm,
    ItemForm,
    ReasonForm,
    ReviewForm,
    ValidityForm,
)
from gongkai.disclosure.models import Attachment, CatalogueNode
from gongkai.disclosure.permissions import Step, may_return, separation_problem
from gongkai.disclosure.selectors import (
    SORTS,
    ItemFilter,
    diff_versions,
    get_item,
    list_items,
    list_policies_missing_interpretation,
    list_versions,
    timeliness,
    version_timeliness,
)
from gongkai.disclosure.structured import detail_rows
from gongkai.disclosure.views.common import PAGE_SIZE, _int, _organ, _year

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

"""Pages of this app (private to it: only its urls.py imports them).

Leaders run their groups here; report readers (project lead, supervisor, director in scope) see
the programme and its aggregate outcome only. Whatever a person may not see is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from archives.selectors import resident_picker_matches
from archives.services import resident_search_record
from assessments.library import get_instrument
from confidentiality import policy
from confidentiality.services import audit_list_read, audit_record
from lib.forms import apply_validation_error
from lib.pdf import render_pdf
from lib.spreadsheets import append_row, xlsx_bytes, xlsx_workbook
from lib.views import errors_as_messages, submit_form

from . import selectors, services
from .forms import DropForm, EnrolForm, ProgrammeForm, ResidentSearchForm, ScoreForm, ScreenForm, SessionForm
from .models import Attendance, GroupMember, GroupProgramme, GroupSession


def _programme(user, pk) -> GroupProgramme:
    return policy.fetch_or_404(user, GroupProgramme, pk=pk)


def _led(user, pk) -> GroupProgramme:
    """A group the person leads; for anyone else (a report reader too) the same 404."""
    programme = _programme(user, pk)
    if not policy.can_lead_group(user, programme):
        raise Http404
    return programme


def _member(user, programme, member_pk) -> GroupMember:
    return policy.fetch_or_404(
        user,
        GroupMember,
        queryset=GroupMember.objects.filter(programme=programme).select_related("resident"),
        pk=member_pk,
    )


def _session(user, programme, number) -> GroupSession:
    return policy.fetch_or_404(
        user, GroupSession, queryset=GroupSession.objects.filter(programme=programme), number=number
    )


@login_required
@require_GET
def group_list(request):
    user = request.user
    programmes = list(selectors.programmes_for(user))
    audit_list_read(
        actor=user,
        object_type="groupcounselling.groupprogramme",
        page="group_list",
        ids=[p.pk for p in programmes],
    )
    led = set(user.led_groups.values_list("pk", flat=True)) if policy.can_create_group(user) else set()
    return render(
        request,
        "groupcounselling/group_list.html",
        {"programmes": programmes, "led": led, "can_create": policy.can_create_group(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_create(request):
    user = request.user
    if not policy.can_create_group(user):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            programme = services.programme_create(actor=user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Group created with its planned sessions."))
            return redirect("groupcounselling:detail", pk=programme.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "groupcounselling/group_form.html", {"form": form}, status=status)


def _detail(request, programme, *, status=200, **forms):
    user = request.user
    leading = policy.can_lead_group(user, programme)
    context = {
        "programme": programme,
        "leading": leading,
        "instruments": selectors.report_instruments(programme),
    }
    if leading:
        search = ResidentSearchForm(request.GET or None)
        query = search.cleaned_data.get("q", "") if search.is_valid() else ""
        matches = []
        if query.strip():
            resident_search_record(actor=user, filters=["q"])
            matches = resident_picker_matches(user=user, query=query)
        members = list(selectors.member_rows(programme))
        audit_list_read(
            actor=user,
            object_type="groupcounselling.groupmember",
            page="group_detail",
            ids=[m.pk for m in members],
        )
        held = selectors.sessions_held(programme)
        context |= {
            "members": members,
            "sessions": list(programme.sessions.order_by("number")),
            "search": search,
            "matches": matches,
            "query": query,
            "threshold": programme.completer_threshold(held),
            "held": held,
            "leaders": list(programme.leaders.order_by("full_name")),
            "screen_form": forms.get("screen_form") or ScreenForm(),
            "drop_form": forms.get("drop_form") or DropForm(),
        }
    return render(request, "groupcounselling/group_detail.html", context, status=status)


@login_required
@require_GET
def group_detail(request, pk):
    return _detail(request, _programme(request.user, pk))


@login_required
@require_POST
def member_add(request, pk):
    programme = _led(request.user, pk)
    residents = resident_picker_matches(user=request.user, query=request.POST.get("q", ""))
    chosen = next((r for r in residents if str(r.pk) == request.POST.get("resident", "")), None)
    if chosen is None:
        messages.error(request, _("Find the resident again and choose them from the list."))
    else:
        try:
            services.member_add(actor=request.user, programme=programme, resident=chosen)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(name)s added as a candidate.") % {"name": chosen.name})
    return redirect("groupcounselling:detail", pk=programme.pk)


@login_required
@require_POST
def member_screen(request, pk, member_pk):
    programme = _led(request.user, pk)
    member = _member(request.user, programme, member_pk)
    form = ScreenForm(request.POST)
    response = submit_form(
        request,
        form,
        run=lambda data: services.member_screen(actor=request.user, member=member, note=data["note"]),
        done=_("Screening noted."),
        success_url=reverse("groupcounselling:detail", args=[programme.pk]),
    )
    if response is not None:
        return response
    errors_as_messages(request, form)
    return redirect("groupcounselling:detail", pk=programme.pk)


@login_required
@require_http_methods(["GET", "POST"])
def member_enrol(request, pk, member_pk):
    programme = _led(request.user, pk)
    member = _member(request.user, programme, member_pk)
    form = EnrolForm(request.POST or None, initial={"signer_name": member.resident.name})
    if request.method == "POST":
        response = submit_form(
            request,
            form,
            run=lambda data: services.member_enrol(actor=request.user, member=member, **data),
            done=_("%(name)s is enrolled; the group agreement is on file.") % {"name": member.resident.name},
            success_url=reverse("groupcounselling:detail", args=[programme.pk]),
        )
        if response is not None:
            return response
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "groupcounselling/member_enrol.html",
        {"programme": programme, "member": member, "form": form, "agreement": selectors.group_agreement()},
        status=status,
    )


@login_required
@require_POST
def member_drop(request, pk, member_pk):
    programme = _led(request.user, pk)
    member = _member(request.user, programme, member_pk)
    form = DropForm(request.POST)
    response = submit_form(
        request,
        form,
        run=lambda data: services.member_drop(actor=request.user, member=member, reason=data["reason"]),
        done=_("%(name)s has left the group.") % {"name": member.resident.name},
        success_url=reverse("groupcounselling:detail", args=[programme.pk]),
    )
    if response is not None:
        return response
    errors_as_messages(request, form)
    return redirect("groupcounselling:detail", pk=programme.pk)


@login_required
@require_POST
def group_finish(request, pk):
    programme = _led(request.user, pk)
    try:
        services.programme_finish(actor=request.user, programme=programme)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The group is finished; completers are marked by the completer rule."))
    return redirect("groupcounselling:detail", pk=programme.pk)


def _marks(post) -> dict[int, str]:
    marks = {}
    for key, value in post.items():
        if key.startswith("mark_") and value:
            member_id = key.removeprefix("mark_")
            if not member_id.isdigit():
                raise ValidationError(
                    _("Attendance can be recorded only for enrolled members of this group.")
                )
            marks[int(member_id)] = value
    return marks


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request, pk, number):
    programme = _led(request.user, pk)
    session = _session(request.user, programme, number)
    form = SessionForm(
        request.POST if "save_session" in request.POST else None,
        initial={"topic": session.topic, "plan": session.plan, "group_note": session.group_note},
    )
    status = 200
    if request.method == "POST" and "save_session" in request.POST:
        response = submit_form(
            request,
            form,
            run=lambda data: services.session_update(actor=request.user, session=session, **data),
            done=_("Session saved."),
            success_url=reverse("groupcounselling:session", args=[programme.pk, number]),
        )
        if response is not None:
            return response
        status = 400
    elif request.method == "POST":
        try:
            services.attendance_record(actor=request.user, session=session, marks=_marks(request.POST))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            status = 400
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("groupcounselling:session", pk=programme.pk, number=number)
    return render(
        request,
        "groupcounselling/session_detail.html",
        {
            "programme": programme,
            "session": session,
            "form": form,
            "register": selectors.session_register(session),
            "marks": Attendance.Mark.choices,
            "started": session.starts_at <= timezone.now() + services.CLOCK_SKEW,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_score(request, pk, member_pk):
    programme = _led(request.user, pk)
    member = _member(request.user, programme, member_pk)
    code = request.GET.get("instrument") or programme.primary_instrument
    if code not in programme.instruments:
        raise Http404
    instrument = get_instrument(code)
    form = ScoreForm(
        request.POST or None,
        instrument=instrument,
        initial={"administered_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST":
        response = submit_form(
            request,
            form,
            run=lambda data: services.member_score_enter(
                actor=request.user,
                member=member,
                instrument_code=code,
                answers=form.answers(),
                administered_at=data["administered_at"],
            ),
            done=_("Score saved as an assessment of %(name)s.") % {"name": member.resident.name},
            success_url=reverse("groupcounselling:detail", args=[programme.pk]),
        )
        if response is not None:
            return response
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "groupcounselling/member_score.html",
        {"programme": programme, "member": member, "form": form, "instrument": instrument},
        status=status,
    )


def _report_view(request, pk):
    programme = _programme(request.user, pk)
    if not policy.can_view_group_report(request.user, programme):
        raise Http404
    code = request.GET.get("instrument") or programme.primary_instrument
    if code not in programme.instruments:
        raise Http404
    view = selectors.outcome_for_reader(request.user, programme, code)
    return programme, code, view


@login_required
@require_GET
def report(request, pk):
    programme, code, view = _report_view(request, pk)
    audit_record(
        actor=request.user,
        action="group.report_viewed",
        obj=programme,
        details={"instrument": code, "members_shown": [row.member.pk for row in view["rows"]]},
    )
    return render(
        request,
        "groupcounselling/report.html",
        {
            "programme": programme,
            "code": code,
            "view": view,
            "table": selectors.report_table(view),
            "instruments": selectors.report_instruments(programme),
            "outcome": view["outcome"],
        },
    )


@login_required
@require_GET
def report_xlsx(request, pk):
    programme, code, view = _report_view(request, pk)
    workbook = xlsx_workbook()
    sheet = workbook.active
    sheet.title = code.upper()
    append_row(sheet, [programme.name, view["outcome"].instrument.data.get("short_name", code)])
    append_row(sheet, [_("Figure"), _("Completers"), _("All enrolled")])
    for row in selectors.report_table(view):
        append_row(sheet, row)
    if view["rows"]:
        append_row(sheet, [])
        append_row(
            sheet,
            [
                _("Member"),
                _("Pre"),
                _("Post"),
                _("Change"),
                _("RCI"),
                _("Reliable change"),
                _("Recovered"),
                _("Completer"),
            ],
        )
        for row in view["rows"]:
            append_row(
                sheet,
                [
                    row.member.resident.name,
                    row.pre,
                    row.post,
                    row.change,
                    None if row.rci is None else round(row.rci, 2),
                    row.rci_text,
                    selectors.yes_no(row.recovered),
                    selectors.yes_no(row.completer),
                ],
            )
    audit_record(
        actor=request.user,
        action="group.report_exported",
        obj=programme,
        details={"instrument": code, "format": "xlsx"},
    )
    response = HttpResponse(
        xlsx_bytes(workbook), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="group-{programme.pk}-{code}.xlsx"'
    return response


@login_required
@require_GET
def report_pdf(request, pk):
    programme, code, view = _report_view(request, pk)
    html = render_to_string(
        "groupcounselling/report_pdf.html",
        {
            "programme": programme,
            "view": view,
            "table": selectors.report_table(view),
            "outcome": view["outcome"],
            "printed": timezone.localtime(),
        },
        request=request,
    )
    audit_record(
        actor=request.user,
        action="group.report_exported",
        obj=programme,
        details={"instrument": code, "format": "pdf"},
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="group-{programme.pk}-{code}.pdf"'
    return response

"""Staff pages of alerts (CRI-2) and of the warning rules (CRI-4).

The queue and an alert's page are for those who handle alerts; which alerts they see is
policy.filter_alerts, and every alert loads through policy.fetch_or_404, so an alert out of reach
is a 404 for reading and for every action alike. The rules page is the director's
(policy.can_manage_alert_rules).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments.library import available_instruments
from confidentiality import policy
from confidentiality.services import audit_list_read
from crisis.forms.alerts import (
    AlertAcknowledgeForm,
    AlertAssignForm,
    AlertCloseForm,
    AlertFilterForm,
    AlertInterveneForm,
    AlertNoteForm,
    AlertResolveForm,
    AlertRuleForm,
)
from crisis.forms.rules import AlertRuleEditForm
from crisis.models import Alert, AlertRule, Level
from crisis.permissions import HANDLE_ALERTS
from crisis.selectors import alerts as selectors
from crisis.services import alerts as services
from crisis.services import rules_admin
from lib.forms import apply_validation_error
from lib.views import errors_as_messages, submit_form

# ---------------------------------------------------------------------------------------------
# The queue


@login_required
@require_http_methods(["GET"])
def alert_list(request):
    user = request.user
    policy.require_permission(user, HANDLE_ALERTS)
    form = AlertFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = {"state": data.get("state", ""), "level": data.get("level", "")}
    alerts = selectors.alert_queue(user=user, **filters)
    page = Paginator(alerts, 25).get_page(request.GET.get("page"))
    audit_list_read(
        actor=user, object_type="crisis.alert", page="queue", ids=[a.pk for a in page], filters=filters
    )
    context = {
        "form": form,
        "page": page,
        "now": timezone.now(),
        "filters": {key: value for key, value in filters.items() if value},
    }
    template = "crisis/alerts_rows.html" if request.htmx else "crisis/alerts_list.html"
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------
# One alert and its actions


def _forms_for(alert: Alert, bound: dict) -> dict:
    # The forms the alert allows now (selectors.alert_actions; the services enforce the same).
    offered = selectors.alert_actions(alert)
    builders = {
        "acknowledge": lambda: AlertAcknowledgeForm(),
        "assign": lambda: AlertAssignForm(
            owners=selectors.alert_owner_choices(alert=alert).exclude(pk=alert.owner_id or 0)
        ),
        "intervene": lambda: AlertInterveneForm(),
        "resolve": lambda: AlertResolveForm(),
        "close": lambda: AlertCloseForm(),
        "note": lambda: AlertNoteForm(),
    }
    # Opening a crisis case is a button of its own (the template asks alert|allows:"open_case").
    return {f"{name}_form": bound.get(name) or builders[name]() for name in offered if name in builders}


def _detail(request, alert: Alert, *, status: int = 200, **bound):
    """The alert's page; a failed action shows its own form again with the errors."""
    services.alert_record_view(actor=request.user, alert=alert)
    context = {
        "alert": alert,
        "now": timezone.now(),
        "signals": list(selectors.alert_signals(alert=alert)),
        "events": list(selectors.alert_history(alert=alert)),
        **_forms_for(alert, bound),
    }
    return render(request, "crisis/alerts_detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def alert_detail(request, pk: int):
    return _detail(request, selectors.alert_for_page(user=request.user, pk=pk))


def _act(request, pk: int, *, name: str, form_class, run, done: str, **form_kwargs):
    """One action on an alert: load it under the policy, validate the form, call the service.

    A ValidationError from the service goes back on the form (status 400); nothing is written.
    """
    alert = selectors.alert_for_page(user=request.user, pk=pk)
    if callable(form_kwargs.get("owners")):
        form_kwargs["owners"] = form_kwargs["owners"](alert)
    form = form_class(request.POST, **form_kwargs)
    response = submit_form(
        request,
        form,
        run=lambda data: run(alert, data),
        done=done,
        success_url=reverse("crisis:alert_detail", args=[alert.pk]),
    )
    if response is not None:
        return response
    alert.refresh_from_db()
    if name not in selectors.alert_actions(alert):
        # The alert has moved on (e.g. acknowledged in another tab): its form is not on the page.
        errors_as_messages(request, form)
    return _detail(request, alert, status=400, **{name: form})


@login_required
@require_POST
def alert_acknowledge(request, pk: int):
    return _act(
        request,
        pk,
        name="acknowledge",
        form_class=AlertAcknowledgeForm,
        run=lambda alert, data: services.alert_acknowledge(actor=request.user, alert=alert),
        done=_("You have acknowledged the alert."),
    )


@login_required
@require_POST
def alert_assign(request, pk: int):
    return _act(
        request,
        pk,
        name="assign",
        form_class=AlertAssignForm,
        owners=lambda alert: selectors.alert_owner_choices(alert=alert),
        run=lambda alert, data: services.alert_assign(
            actor=request.user, alert=alert, owner=data["owner"], note=data["note"]
        ),
        done=_("The alert has a new owner."),
    )


@login_required
@require_POST
def alert_intervene(request, pk: int):
    return _act(
        request,
        pk,
        name="intervene",
        form_class=AlertInterveneForm,
        run=lambda alert, data: services.alert_start_intervention(
            actor=request.user, alert=alert, note=data["note"]
        ),
        done=_("The intervention has started."),
    )


@login_required
@require_POST
def alert_resolve(request, pk: int):
    return _act(
        request,
        pk,
        name="resolve",
        form_class=AlertResolveForm,
        run=lambda alert, data: services.alert_resolve(
            actor=request.user, alert=alert, outcome=data["outcome"], note=data["note"]
        ),
        done=_("The alert is resolved."),
    )


@login_required
@require_POST
def alert_close(request, pk: int):
    return _act(
        request,
        pk,
        name="close",
        form_class=AlertCloseForm,
        run=lambda alert, data: services.alert_close(actor=request.user, alert=alert, note=data["note"]),
        done=_("The alert is closed."),
    )


@login_required
@require_POST
def alert_add_note(request, pk: int):
    return _act(
        request,
        pk,
        name="note",
        form_class=AlertNoteForm,
        run=lambda alert, data: services.alert_add_note(actor=request.user, alert=alert, note=data["note"]),
        done=_("The note is added to the alert's history."),
    )


# ---------------------------------------------------------------------------------------------
# Warning rules (the director's)


def _require_rule_manager(user) -> None:
    if not policy.can_manage_alert_rules(user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET"])
def rule_list(request):
    _require_rule_manager(request.user)
    groups = [
        (source, label, [(rule, AlertRuleForm(rule=rule)) for rule in rules])
        for source, label, rules in selectors.rules_by_source()
    ]
    return render(request, "crisis/rules_list.html", {"groups": groups})


@login_required
@require_POST
def rule_edit(request, pk: int):
    _require_rule_manager(request.user)
    rule = get_object_or_404(AlertRule.objects.select_related("updated_by"), pk=pk)
    form = AlertRuleForm(request.POST, rule=rule)
    status = 400
    if form.is_valid():
        try:
            rule = rules_admin.alert_rule_update(
                actor=request.user,
                rule=rule,
                level=form.cleaned_data["level"],
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if not request.htmx:
                messages.success(request, _("The rule %(code)s is saved.") % {"code": rule.code})
                return redirect("crisis:rule_list")
            form, status = AlertRuleForm(rule=rule), 200
    if request.htmx:
        # HTMX swaps only successful answers: the row comes back as 200 with its errors shown.
        context = {"rule": selectors.rules_described([rule])[0], "form": form, "saved": status == 200}
        return render(request, "crisis/rules_row.html", context)
    groups = [
        (
            source,
            label,
            [(other, form if other.pk == rule.pk else AlertRuleForm(rule=other)) for other in rules],
        )
        for source, label, rules in selectors.rules_by_source()
    ]
    return render(request, "crisis/rules_list.html", {"groups": groups}, status=status)


def _save_rule(request, form: AlertRuleEditForm, rule: AlertRule | None):
    """Hand a valid editor form to the service; its refusals land on the form's fields."""
    data = form.cleaned_data
    try:
        if rule is None:
            return rules_admin.alert_rule_create(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                source=data["source"],
                condition=form.condition(),
                level=data["level"],
                is_active=data["is_active"],
            )
        return rules_admin.alert_rule_update(
            actor=request.user,
            rule=rule,
            name=data["name"],
            condition=form.condition(),
            level=data["level"],
            is_active=data["is_active"],
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None


def _rule_editor(request, rule: AlertRule | None):
    _require_rule_manager(request.user)
    instruments = available_instruments()
    status = 200
    if request.method == "POST":
        form = AlertRuleEditForm(request.POST, instruments=instruments, rule=rule)
        saved = _save_rule(request, form, rule) if form.is_valid() else None
        if saved is not None:
            messages.success(request, _("The rule %(code)s is saved.") % {"code": saved.code})
            return redirect(f"{reverse('crisis:rule_list')}#rule-{saved.pk}")
        status = 400
    else:
        initial = AlertRuleEditForm.initial_for(rule) if rule is not None else {"level": Level.YELLOW}
        if "instrument" in request.GET:
            # The page asks again for the bands when the instrument changes (HTMX), sending the
            # bands chosen so far: those of another instrument stay, marked, rather than vanish.
            initial["instrument"] = request.GET["instrument"]
            initial["bands"] = request.GET.getlist("bands")
        form = AlertRuleEditForm(instruments=instruments, rule=rule, initial=initial)
    return render(request, "crisis/rules_form.html", {"form": form, "rule": rule}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rule_create(request):
    return _rule_editor(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def rule_change(request, pk: int):
    _require_rule_manager(request.user)
    return _rule_editor(request, get_object_or_404(AlertRule, pk=pk))

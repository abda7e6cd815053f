"""lib.views: a page's form hands its data to a service one way, and a refusal lands on the form."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from lib.views import errors_as_messages, submit_form


class NoteForm(forms.Form):
    note = forms.CharField()


def _request():
    request = RequestFactory().post("/")
    request._messages = CookieStorage(request)
    return request


def test_a_valid_form_runs_the_service_says_so_and_redirects():
    request, ran = _request(), []
    response = submit_form(
        request, NoteForm({"note": "hi"}), run=ran.append, done="Saved.", success_url="/done/"
    )
    assert ran == [{"note": "hi"}]
    assert response.status_code == 302 and response["Location"] == "/done/"
    assert [str(m) for m in get_messages(request)] == ["Saved."]


def test_the_message_may_depend_on_the_data():
    request = _request()
    submit_form(
        request, NoteForm({"note": "hi"}), run=lambda data: None, done=lambda d: d["note"], success_url="/"
    )
    assert [str(m) for m in get_messages(request)] == ["hi"]


def test_an_invalid_form_never_reaches_the_service():
    ran = []
    form = NoteForm({})
    assert submit_form(_request(), form, run=ran.append, done="Saved.", success_url="/") is None
    assert ran == [] and form.errors["note"]


def test_a_refusal_of_the_service_lands_on_the_field_it_names():
    def refuse(data):
        raise ValidationError({"note": "Not this note."})

    form = NoteForm({"note": "hi"})
    request = _request()
    assert submit_form(request, form, run=refuse, done="Saved.", success_url="/") is None
    assert form.errors["note"] == ["Not this note."]
    assert list(get_messages(request)) == []


def test_errors_of_a_form_no_longer_on_the_page_are_said_at_its_top():
    request, form = _request(), NoteForm({})
    form.is_valid()
    errors_as_messages(request, form)
    assert len(list(get_messages(request))) == 1

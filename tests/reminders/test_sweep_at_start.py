"""A fresh start sweeps at once: beat's 15-minute entry would otherwise leave the bell empty for the
first quarter of an hour after bin/run or a deploy."""

from unittest import mock

import pytest
from celery.signals import beat_init
from django.urls import reverse

from reminders import tasks
from reminders.models import Notification
from tests.factories import make_event
from zones_portal.celery import SWEEP_AT_START, app

pytestmark = pytest.mark.django_db


def test_beat_sends_one_sweep_as_it_starts():
    with mock.patch.object(app, "send_task") as send_task:
        beat_init.send(sender=mock.Mock(app=app))
    send_task.assert_called_once_with(SWEEP_AT_START)


def test_the_task_sent_is_the_sweep_and_a_repeat_records_nothing_twice(client_for, kish, kish_deputy):
    assert tasks.sweep.name == SWEEP_AT_START
    make_event(kish, status="held", starts_in_days=-7.5)  # its report has been owed for some hours
    client = client_for(kish_deputy)
    assert client.get(reverse("home")).context["unread_count"]() == 0  # the bell, before
    app.tasks[SWEEP_AT_START].apply()  # as the worker runs what beat sent at its start
    recorded = Notification.objects.filter(recipient=kish_deputy, rule="report_overdue").count()
    assert recorded == 1
    assert client.get(reverse("home")).context["unread_count"]() == 1  # the bell, at once
    app.tasks[SWEEP_AT_START].apply()  # beat restarted, or two beats overlapping: nothing new
    assert Notification.objects.filter(recipient=kish_deputy, rule="report_overdue").count() == 1

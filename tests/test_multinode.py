"""Several machines, proven on one: two web nodes, two workers and one beat sharing PostgreSQL, Redis and S3.

One scenario in order, since starting the fleet is the slow part: a file uploaded through node A
downloads through node B; the public form's rate limit counts across both nodes; beat's sweeps and both
workers mail each reminder once, even when a worker is killed mid-send and every send outlasts the
lease that a live worker keeps renewing; /readyz turns 503 when Redis stops and 200 when it is back; with
Redis stopped the public form still saves and shows the tracking code, and the receipt arrives once when
Redis is back. The processes run on RUNTIME_PYTHON (in CI a virtualenv with requirements.txt alone).
"""

import os
import re
import sys
import time
from collections import Counter
from urllib.parse import urljoin

import pytest
import requests

from tests.events.test_validation import PDF
from tests.multinode import DEMO_PASSWORD, Cluster, wait_until

pytestmark = pytest.mark.services


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if os.environ.get("CI", "").lower() == "true":
        assert os.environ.get("RUNTIME_PYTHON"), (
            ".ci/run must name the runtime-only virtualenv in RUNTIME_PYTHON"
        )
    try:
        import psycopg2

        psycopg2.connect("postgres://postgres@127.0.0.1:5432/postgres").close()
    except psycopg2.OperationalError as error:
        pytest.skip(f"PostgreSQL is not running on 127.0.0.1:5432 ({error})")
    folder = tmp_path_factory.mktemp("multinode")
    # Every send (held 2.5 s by the SMTP server) outlasts the 2 s lease: only the renewal by the live
    # worker keeps the requeue from handing its reminder to another worker.
    with Cluster(folder, smtp_delay=2.5, lease_seconds=2, workers_at_start=False) as running:
        yield running


def csrf_token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def sign_in(cluster: Cluster, node: int, username: str) -> requests.Session:
    session = requests.Session()
    session.cookies.set("portal_language", "en")
    login = cluster.url(node, "/accounts/login/")
    response = session.post(
        login,
        {"csrfmiddlewaretoken": csrf_token(session, login), "username": username, "password": DEMO_PASSWORD},
        headers={"Referer": login},
        timeout=30,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    code_page = cluster.url(node, "/accounts/login/code/")
    if response.headers["Location"] == "/accounts/login/code/":  # the demo secretariat's second step
        response = session.post(
            code_page,
            {"csrfmiddlewaretoken": csrf_token(session, code_page), "code": demo_code()},
            headers={"Referer": code_page},
            timeout=30,
            allow_redirects=False,
        )
        assert response.status_code == 302, response.text[:500]
    return session


def demo_code() -> str:
    """What an authenticator app holding the demo secretariat's published key shows now."""
    from base64 import b32decode

    from django_otp.oath import totp

    from zones_portal.demo import DEMO_TOTP_SECRET

    return f"{totp(b32decode(DEMO_TOTP_SECRET)):06d}"


def test_the_runtime_is_what_ci_says(cluster):
    """In CI the portal's processes run from requirements.txt alone, not from the dev tools' virtualenv."""
    if os.environ.get("RUNTIME_PYTHON"):
        assert cluster.python != sys.executable
        probe = cluster.manage(
            "shell", "-c", "import importlib.util as u; print(u.find_spec('pytest') is None)"
        )
        assert probe.strip().splitlines()[-1] == "True"


def test_a_file_uploaded_through_one_node_downloads_through_the_other(cluster):
    (call_id,) = cluster.query("SELECT id FROM talent_talentcall WHERE min_age = 12 AND max_age = 35")[0]
    (zone_id,) = cluster.query("SELECT id FROM zones_portal_zone WHERE slug = 'kish'")[0]
    (discipline_id,) = cluster.query("SELECT id FROM talent_discipline WHERE slug = 'quran'")[0]
    visitor = requests.Session()
    visitor.cookies.set("portal_language", "en")
    form = cluster.url(0, f"/calls/{call_id}/apply/")
    response = visitor.post(
        form,
        {
            "csrfmiddlewaretoken": csrf_token(visitor, form),
            "full_name": "مریم چندگره",
            "birth_date": "2004-03-01",
            "zone": zone_id,
            "email": "maryam@applicant.example",
            "phone": "09120000000",
            "discipline": discipline_id,
            "statement": "قرائت به سبک استاد منشاوی",
            "portfolio_links": "",
            "consent": "on",
        },
        files={"files": ("تلاوت.pdf", PDF + b"%multinode", "application/pdf")},
        headers={"Referer": form},
        timeout=60,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:2000]
    ((file_id, stored_name),) = cluster.query(
        "SELECT f.id, f.file FROM talent_portfoliofile f JOIN talent_application a ON a.id = f.application_id "
        "WHERE a.email = 'maryam@applicant.example'"
    )
    from tests.servers import s3_client

    keys = [
        o["Key"] for o in s3_client(cluster.s3_endpoint).list_objects_v2(Bucket=cluster.bucket)["Contents"]
    ]
    assert stored_name in keys

    officer = sign_in(cluster, 1, "secretariat")  # node B, a session made on B, the file stored by A
    download = officer.get(cluster.url(1, f"/talent/files/{file_id}/"), timeout=30)
    assert download.status_code == 200
    assert download.content == PDF + b"%multinode"
    assert (
        requests.get(
            cluster.url(1, f"/talent/files/{file_id}/"), timeout=30, allow_redirects=False
        ).status_code
        == 302
    )


def test_the_rate_limit_counts_across_both_nodes(cluster):
    (call_id,) = cluster.query("SELECT id FROM talent_talentcall WHERE min_age = 12 AND max_age = 35")[0]
    codes = []
    # The previous test's application was the first post of this hour; the limit is three.
    for node in (1, 0, 1, 0):
        session = requests.Session()
        form = cluster.url(node, f"/calls/{call_id}/apply/")
        answer = session.post(
            form,
            {"csrfmiddlewaretoken": csrf_token(session, form), "full_name": ""},
            headers={"Referer": form},
            timeout=30,
        )
        codes.append(answer.status_code)
    assert codes == [200, 200, 429, 429]


REQUEUE_WITHOUT_REST = """
import time
from reminders.services import requeue_stuck
while True:
    requeue_stuck()
    time.sleep(0.5)
"""


def test_beat_and_two_workers_mail_each_reminder_once_even_when_a_worker_is_killed(cluster):
    def email_rows():
        return cluster.query(
            "SELECT id, status, attempts FROM reminders_notification WHERE channel = 'email'"
        )

    # Until now beat's sweeps waited in the queue: the workers start with the demo's reminders to send.
    # Ahead of the first sweep wait what the demo queued (receipts, the contest's "you went on" mails,
    # the webhooks' sweeps), hence the generous wait; what is asserted is the count, never the time.
    cluster.start_workers()
    wait_until(email_rows, 180, "the first sweep to record the demo's reminders")
    # The demo's receipts were queued first; once they are out, a worker mid-send is sending a reminder.
    wait_until(
        lambda: cluster.query("SELECT count(*) FROM talent_receipt WHERE sent_at IS NULL") == [(0,)],
        120,
        "the demo's receipts to go out",
    )
    # Beat's requeue waits in the queue behind the deliveries; this one runs beside them twice a second,
    # as it would on a fleet with a worker to spare, so every send that outlasts its lease unrenewed
    # would be handed to another worker and mailed twice.
    cluster.start_process("requeue", ["manage.py", "shell", "-c", REQUEUE_WITHOUT_REST])
    try:
        victim = wait_until(cluster.delivering, 120, "a worker to be in the middle of a send")
    except AssertionError as error:
        statuses = Counter(status for _, status, _ in email_rows())
        raise AssertionError(f"{error} Reminders: {dict(statuses)}") from None
    cluster.kill(victim)
    # Its supervisor starts it again; the fresh worker takes nothing a live worker holds.
    cluster.start_worker(victim)

    def reminders_received() -> Counter:
        return Counter(mid for mid in cluster.smtp.message_ids() if mid.startswith("<reminder-"))

    def finished():
        twice = [mid for mid, count in reminders_received().items() if count > 1]
        assert not twice, f"mailed twice: {twice}"
        rows = email_rows()
        return (
            rows
            if all(status in {"sent", "failed", "cancelled", "missed"} for _, status, _ in rows)
            else None
        )

    rows = wait_until(finished, 300, "every reminder to be delivered after the kill", every=1)
    cluster.kill("requeue")
    sent = {row_id for row_id, status, _ in rows if status == "sent"}
    assert sent, "no reminder was sent"
    assert {status for _, status, _ in rows} <= {"sent", "missed", "cancelled"}
    received = reminders_received()
    assert set(received) == {f"<reminder-{row_id}@zones-portal>" for row_id in sent}
    assert max(received.values()) == 1, [mid for mid, count in received.items() if count > 1]
    # What the killed worker was sending when it died went out later, once, from another worker.
    assert any(attempts >= 2 for row_id, _, attempts in rows if row_id in sent)


def test_readiness_follows_redis(cluster):
    ready = requests.get(cluster.url(0, "/readyz"), timeout=30)
    assert ready.status_code == 200, ready.text
    cluster.stop_redis()
    try:
        down = requests.get(cluster.url(1, "/readyz"), timeout=30)
        assert down.status_code == 503
        body = down.json()
        assert body["components"]["cache"]["ok"] is False
        assert cluster.redis.url not in down.text
    finally:
        cluster.start_redis()
    back = wait_until(
        lambda: (answer := requests.get(cluster.url(1, "/readyz"), timeout=30)).status_code == 200 and answer,
        30,
        "/readyz to answer 200 once Redis is back",
    )
    assert back.json()["components"]["cache"]["ok"] is True


def test_with_redis_stopped_the_form_saves_and_the_receipt_arrives_once_when_it_is_back(cluster):
    (call_id,) = cluster.query("SELECT id FROM talent_talentcall WHERE min_age = 12 AND max_age = 35")[0]
    (zone_id,) = cluster.query("SELECT id FROM zones_portal_zone WHERE slug = 'qeshm'")[0]
    (discipline_id,) = cluster.query("SELECT id FROM talent_discipline WHERE slug = 'quran'")[0]
    email = "zahra@applicant.example"
    visitor = requests.Session()
    visitor.cookies.set("portal_language", "en")
    form = cluster.url(1, f"/calls/{call_id}/apply/")
    cluster.stop_redis()  # the broker and the cache: the rate limit cannot count, nothing can be queued
    try:
        started = time.monotonic()
        response = visitor.post(
            form,
            {
                "csrfmiddlewaretoken": csrf_token(visitor, form),
                "full_name": "زهرا قشمی",
                "birth_date": "2003-05-01",
                "zone": zone_id,
                "email": email,
                "discipline": discipline_id,
                "statement": "حفظ کل قرآن",
                "portfolio_links": "",
                "consent": "on",
            },
            headers={"Referer": form},
            timeout=60,
            allow_redirects=False,
        )
        took = time.monotonic() - started
        assert response.status_code == 302, response.text[:2000]
        confirmation = visitor.get(urljoin(form, response.headers["Location"]), timeout=30)
        ((application_id, code),) = cluster.query(
            "SELECT id, tracking_code FROM talent_application WHERE email = %s", (email,)
        )
        assert confirmation.status_code == 200
        assert code in confirmation.text
        assert took < 10, f"the form took {took:.1f} s to answer with Redis stopped"
    finally:
        cluster.start_redis()
    receipt = f"<receipt-{application_id}@zones-portal>"
    # The commit could not queue it; the receipt sweep queues it a minute after the application.
    wait_until(lambda: receipt in cluster.smtp.message_ids(), 180, "the receipt once Redis is back", every=1)
    time.sleep(4 * cluster.sweep_seconds)  # a few more sweeps find nothing owed
    assert cluster.smtp.message_ids().count(receipt) == 1
    assert cluster.query(
        "SELECT attempts, sent_at IS NOT NULL FROM talent_receipt WHERE application_id = %s",
        (application_id,),
    ) == [(1, True)]

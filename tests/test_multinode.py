"""Several machines, proven on one: two web nodes, two workers and one beat sharing PostgreSQL, Redis and S3.

One scenario in order, since starting the fleet is the slow part: a file uploaded through node A
downloads through node B; the public form's rate limit counts across both nodes; beat's sweeps and both
workers mail each reminder once, even when a worker is killed mid-send; /readyz turns 503 when Redis
stops and 200 when it is back. The processes run on RUNTIME_PYTHON (in CI a virtualenv with
requirements.txt alone).
"""

import os
import re
import sys
from collections import Counter

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
    with Cluster(folder, smtp_delay=1.0, lease_seconds=10, workers_at_start=False) as running:
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
    return session


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


def test_beat_and_two_workers_mail_each_reminder_once_even_when_a_worker_is_killed(cluster):
    def email_rows():
        return cluster.query(
            "SELECT id, status, attempts FROM reminders_notification WHERE channel = 'email'"
        )

    # Until now beat's sweeps waited in the queue: the workers start with the demo's reminders to send.
    cluster.start_workers()
    wait_until(email_rows, 60, "the first sweep to record the demo's reminders")
    try:
        victim = wait_until(cluster.delivering, 120, "a worker to be in the middle of a send")
    except AssertionError as error:
        statuses = Counter(status for _, status, _ in email_rows())
        raise AssertionError(f"{error} Reminders: {dict(statuses)}") from None
    cluster.kill(victim)

    def finished():
        rows = email_rows()
        return (
            rows
            if all(status in {"sent", "failed", "cancelled", "missed"} for _, status, _ in rows)
            else None
        )

    rows = wait_until(finished, 120, "every reminder to be delivered after the kill", every=1)
    sent = {row_id for row_id, status, _ in rows if status == "sent"}
    assert sent, "no reminder was sent"
    assert {status for _, status, _ in rows} <= {"sent", "missed", "cancelled"}
    received = Counter(mid for mid in cluster.smtp.message_ids() if mid.startswith("<reminder-"))
    assert set(received) == {f"<reminder-{row_id}@zones-portal>" for row_id in sent}
    assert max(received.values()) == 1, [mid for mid, count in received.items() if count > 1]
    # What the killed worker was sending when it died went out later, once, from the other one.
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

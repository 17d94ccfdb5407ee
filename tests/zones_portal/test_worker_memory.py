"""A web worker loads what most requests need: the heavy writers of rare downloads wait for their download.

fpdf2 (with fontTools and Pillow) and openpyxl cost a gunicorn worker some 45 and 19 MB, every worker
on every node, for a certificate or a spreadsheet asked for now and then (issue #13: workers at most
150 MB after the benchmark).
"""

import json

from tests.zones_portal.test_settings import PRODUCTION, run_python

LOADED = (
    "import json, sys, django; django.setup(); "
    "from zones_portal.wsgi import application; "
    "from django.urls import get_resolver; get_resolver()._populate(); "
    "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"
)


def test_a_started_worker_has_not_loaded_the_pdf_or_spreadsheet_writers(tmp_path):
    result = run_python(LOADED, {**PRODUCTION, "VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert "rest_framework" in loaded  # the check would see a package load
    assert not {"fpdf", "fontTools", "openpyxl"} & loaded


FROZEN = (
    "import gc, json; import zones_portal.wsgi; "
    "from django.template.loader import get_template; "
    "compiled = get_template('zones_portal/home.html'); "
    "print(json.dumps([gc.get_freeze_count(), len(gc.get_objects())]))"
)


def test_a_started_worker_has_frozen_what_lives_as_long_as_it(tmp_path):
    """The URLconf, catalogues and templates are made before the first request and kept out of every
    full garbage collection (zones_portal.wsgi): walking them paused a worker 90 ms at a time."""
    result = run_python(FROZEN, {"VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    frozen, unfrozen = json.loads(result.stdout)
    assert frozen > 100_000
    assert unfrozen < frozen // 20  # the home page's template was compiled before the freeze

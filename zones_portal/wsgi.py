"""WSGI entry point for gunicorn.

A worker prepares what every request reads before it takes the first one (``prepare_worker``), then
freezes the garbage collector's view of it: some 160,000 objects (the URLconf, both languages'
catalogues, the compiled templates, the models' metadata) that live as long as the process, and that
every full collection walked again: 90 ms pauses a few times a minute under load, the slowest
hundredth of the dashboard's answers. Frozen, a full collection walks what requests left behind.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zones_portal.settings")

application = get_wsgi_application()


def prepare_worker() -> None:
    """Loads the URLconf, both languages' catalogues and every template of ours, as the first requests
    would, so that they are made before ``gc.freeze()`` and not during someone's request."""
    from pathlib import Path  # noqa: PLC0415 - only at start

    from django.conf import settings  # noqa: PLC0415
    from django.template import TemplateDoesNotExist, TemplateSyntaxError  # noqa: PLC0415
    from django.template.loader import get_template  # noqa: PLC0415
    from django.urls import get_resolver  # noqa: PLC0415
    from django.utils import translation  # noqa: PLC0415

    get_resolver().url_patterns  # noqa: B018 - imports every view
    get_resolver()._populate()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")
    for folder in (Path(directory) for directory in settings.TEMPLATES[0]["DIRS"]):
        for path in sorted(folder.rglob("*")):
            if path.suffix in {".html", ".txt", ".xml"}:
                try:
                    get_template(str(path.relative_to(folder)))
                except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError):
                    continue  # a fragment that only works inside another: compiled when it is used


prepare_worker()
gc.freeze()

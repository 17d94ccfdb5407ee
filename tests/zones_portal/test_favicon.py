"""Every page named no icon, so browsers asked for /favicon.ico and every page logged a 404."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_portals_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("favicon.svg")
    assert finders.find("favicon.svg") is not None


def test_every_page_names_its_icon(client, client_for, kish_deputy):
    login = client.get(reverse("login")).content.decode()
    home = client_for(kish_deputy).get(reverse("home")).content.decode()
    link = f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">'
    assert link in login
    assert link in home

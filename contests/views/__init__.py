"""The competitions' pages, one module per area: ``rounds`` (running rounds, scoring at one's own pace,
advancing), ``live`` (the panel's phones, the chair's desk, the projector's display) and
``certificates``; each module holds its own ``urlpatterns``."""

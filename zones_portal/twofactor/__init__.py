"""Two-step sign-in: after the password, a six-digit code from an authenticator app (TOTP), or one of
ten one-time recovery codes for a lost phone.

Everyone who can use the admin (``permissions.can_use_admin``: the secretariat's staff) must set it up
before any admin page opens; for everyone else it is optional. Built on django-otp's TOTP and static
devices: ``services`` holds every rule, ``views`` the dashboard's pages, ``middleware`` tells whether
this session was verified, and ``admin_site.PortalAdminSite`` refuses an unverified session.
"""

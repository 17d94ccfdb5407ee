"""How the portal talks to an S3-compatible bucket, in one place for the settings and the tests."""

from __future__ import annotations


def s3_options(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    region_name: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    addressing_style: str | None = None,
    location: str = "",
    expire: int = 300,
) -> dict[str, object]:
    """django-storages' S3Storage options for private files.

    Objects keep the bucket's own policy (private by default; some S3 servers refuse ACLs), links are
    signed and expire after ``expire`` seconds, and a name is never overwritten: an upload that meets an
    existing name gets a new one, so one version of a document can never replace another.
    """
    return {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region_name or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "addressing_style": addressing_style or None,
        "location": location,
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": expire,
        "file_overwrite": False,
    }

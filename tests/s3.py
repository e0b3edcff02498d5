"""A real S3 protocol server for the tests: moto's standalone server on 127.0.0.1.

`s3_server` starts it once per session on a free port (in a thread of the test process; it
speaks HTTP like MinIO or AWS, nothing is patched); `s3_bucket` makes a fresh bucket;
`s3_storage` points Django's default storage at that bucket through the same settings
production uses (config.settings.s3_storage).
"""

import secrets

import pytest

from config.settings import s3_storage as s3_storage_entry
from tests.processes import free_port

ACCESS_KEY = "bekwaam-test"
SECRET_KEY = "bekwaam-test-secret"


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def s3_environ(endpoint: str, bucket: str) -> dict[str, str]:
    """The environment variables that put a Bekwaam process on this bucket."""
    return {
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }


def s3_client(endpoint: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name="us-east-1",
    )


def bucket_keys(endpoint: str, bucket: str) -> list[str]:
    pages = s3_client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


@pytest.fixture
def s3_bucket(s3_server):
    name = f"bekwaam-{secrets.token_hex(6)}"
    s3_client(s3_server).create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_storage(settings, s3_server, s3_bucket, tmp_path):
    """Default storage on a fresh bucket; MEDIA_ROOT points at an empty directory that must
    stay empty (tests assert that nothing reached the local disk)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_entry(s3_environ(s3_server, s3_bucket)),
    }
    settings.MEDIA_ROOT = tmp_path / "local-media"
    return {"endpoint": s3_server, "bucket": s3_bucket, "media_root": settings.MEDIA_ROOT}

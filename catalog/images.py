"""Product images in object storage (P-08, P-09).

Image bytes never pass through the API: the seller uploads with a presigned
PUT and the server checks the object before attaching its key. Two storages
are built from the settings: one on the internal endpoint for the server's
own calls (HEAD, ranged GET, DELETE, PUT from the demo), and one on the
public endpoint for presigning, because a signature covers the host and the
browser may reach the bucket under another name (compose: `minio` inside,
`localhost` outside).
"""

import logging
import re
import uuid
from dataclasses import dataclass
from functools import lru_cache
from uuid import UUID

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from storages.backends.s3 import S3Storage

logger = logging.getLogger(__name__)

# Content type -> file extension of the object key.
CONTENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGES = 8
UPLOAD_EXPIRES_SECONDS = 15 * 60
DOWNLOAD_EXPIRES_SECONDS = 60 * 60
_KEY = re.compile(
    r"^products/(?P<product_id>[0-9a-f-]{36})/[0-9a-f]{32}\.(jpg|png|webp)$"
)


@dataclass(frozen=True)
class UploadTicket:
    key: str
    url: str
    headers: dict[str, str]
    expires_in: int


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str
    head_bytes: bytes


def image_key_new(*, product_id: UUID, content_type: str) -> str:
    """Return a fresh object key under the product's prefix."""
    return f"products/{product_id}/{uuid.uuid4().hex}.{CONTENT_TYPES[content_type]}"


def image_key_belongs(*, key: str, product_id: UUID) -> bool:
    """Whether the key has the shape the presign step hands out for this product."""
    match = _KEY.match(key)
    return match is not None and match.group("product_id") == str(product_id)


def upload_presign(*, key: str, content_type: str) -> UploadTicket:
    """Sign a PUT of `key` with this content type, valid for 15 minutes."""
    client = _storage(public=True).connection.meta.client
    url = client.generate_presigned_url(
        "put_object",
        Params={
            "Bucket": settings.AWS_STORAGE_BUCKET_NAME,
            "Key": key,
            "ContentType": content_type,
        },
        ExpiresIn=UPLOAD_EXPIRES_SECONDS,
        HttpMethod="PUT",
    )
    return UploadTicket(
        key=key,
        url=url,
        headers={"Content-Type": content_type},
        expires_in=UPLOAD_EXPIRES_SECONDS,
    )


def download_url(*, key: str) -> str:
    """Sign a GET of `key`, valid for one hour; local signing, no network."""
    return _storage(public=True).url(key, expire=DOWNLOAD_EXPIRES_SECONDS)


def object_inspect(*, key: str) -> StoredObject | None:
    """Return the object's size, declared type and first bytes, or None if absent."""
    client = _storage(public=False).connection.meta.client
    bucket = settings.AWS_STORAGE_BUCKET_NAME
    try:
        head = client.head_object(Bucket=bucket, Key=key)
        first = client.get_object(Bucket=bucket, Key=key, Range="bytes=0-15")
    except ClientError as error:
        if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
            return None
        raise
    return StoredObject(
        size=head["ContentLength"],
        content_type=head.get("ContentType", ""),
        head_bytes=first["Body"].read(),
    )


def sniffed_content_type(data: bytes) -> str | None:
    """Recognise JPEG, PNG and WebP by their magic numbers, not by what was declared."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def object_put(*, key: str, body: bytes, content_type: str) -> None:
    """Store bytes directly (the demo seed; API clients use presigned PUTs)."""
    client = _storage(public=False).connection.meta.client
    client.put_object(
        Bucket=settings.AWS_STORAGE_BUCKET_NAME,
        Key=key,
        Body=body,
        ContentType=content_type,
    )


def object_delete(*, key: str) -> None:
    """Delete the object; an absent one is not an error."""
    try:
        _storage(public=False).delete(key)
    except (BotoCoreError, ClientError):
        # The key is already out of the product; a leftover object costs
        # storage, not correctness, so it is logged for a sweep.
        logger.warning("Could not delete image object %s", key, extra={"key": key})


def _storage(*, public: bool) -> S3Storage:
    endpoint = (
        settings.AWS_S3_PUBLIC_ENDPOINT_URL or settings.AWS_S3_ENDPOINT_URL
        if public
        else settings.AWS_S3_ENDPOINT_URL
    )
    return _storage_for(
        endpoint,
        settings.AWS_STORAGE_BUCKET_NAME,
        settings.AWS_ACCESS_KEY_ID,
        settings.AWS_SECRET_ACCESS_KEY,
        settings.AWS_S3_REGION_NAME,
    )


@lru_cache(maxsize=8)
def _storage_for(
    endpoint_url: str | None,
    bucket_name: str,
    access_key: str | None,
    secret_key: str | None,
    region_name: str,
) -> S3Storage:
    # Keyed on the settings it reads, so overridden settings get their own.
    return S3Storage(
        endpoint_url=endpoint_url,
        bucket_name=bucket_name,
        access_key=access_key,
        secret_key=secret_key,
        region_name=region_name,
        querystring_expire=DOWNLOAD_EXPIRES_SECONDS,
    )

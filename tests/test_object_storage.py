"""Media on S3-compatible object storage (DJANGO_MEDIA_STORAGE=s3), against a real S3 API.

The S3 endpoint is moto's server on 127.0.0.1: boto3 and django-storages talk HTTP to it
exactly as to AWS or MinIO. Originals stay private behind signed links; renditions are public
at MEDIA_URL (the CDN); every object carries a safe Content-Type.
"""

import urllib.request

import boto3
import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages

from qiantang_site.storage import MediaStorage

from .factories import jpeg_bytes, make_article, make_figure
from .prod import manage, production_env
from .servers import free_port

BUCKET = "qiantang-media"
CDN = "https://img.example.com/"
CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    yield endpoint
    server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def s3_media(settings, s3_endpoint, bucket):
    settings.MEDIA_URL = CDN
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "qiantang_site.storage.MediaStorage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "file_overwrite": False,
                "default_acl": None,
                "querystring_expire": 600,
                "signature_version": "s3v4",
                **CREDENTIALS,
            },
        },
    }
    assert isinstance(storages["default"], MediaStorage)
    return bucket


def test_renditions_are_public_at_the_cdn_and_originals_are_signed_and_private(s3_media):
    storage = default_storage
    original = storage.save("originals/2026/11/photo.jpg", ContentFile(jpeg_bytes()))
    rendition = storage.save("renditions/1/photo-800.jpg", ContentFile(jpeg_bytes(800, 533)))

    assert storage.url(rendition) == CDN + "renditions/1/photo-800.jpg"
    signed = storage.url(original)
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=600" in signed
    with urllib.request.urlopen(signed) as answer:  # the signed link works, from S3 itself
        assert answer.read() == storage.open(original).read()

    head = s3_media.head_object(Bucket=BUCKET, Key=rendition)
    assert head["ContentType"] == "image/jpeg"
    assert "immutable" in head["CacheControl"]
    head = s3_media.head_object(Bucket=BUCKET, Key=original)
    assert head["ContentType"] == "image/jpeg"
    assert "no-store" in head["CacheControl"]


def test_a_file_that_is_not_a_picture_is_stored_as_a_download(s3_media):
    name = default_storage.save("renditions/1/evil.html", ContentFile(b"<script>alert(1)</script>"))
    head = s3_media.head_object(Bucket=BUCKET, Key=name)
    assert head["ContentType"] == "application/octet-stream"
    assert head["ContentDisposition"] == "attachment"


@pytest.mark.django_db
def test_an_article_with_photos_in_the_bucket_links_only_cdn_renditions(s3_media, client):
    article = make_article("钱塘江边的图书馆")
    figure = make_figure(article, section=article.sections.first())
    keys = [o["Key"] for o in s3_media.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert figure.image.name in keys
    assert any(k.startswith("renditions/") for k in keys)

    soup = BeautifulSoup(client.get(article.get_absolute_url()).content, "html.parser")
    sources = [img["src"] for img in soup.select("main img")]
    sources += [
        part.split()[0]
        for tag in soup.select("main source[srcset], main img[srcset]")
        for part in tag["srcset"].split(",")
    ]
    assert sources and all(s.startswith(CDN + "renditions/") for s in sources), sources
    assert figure.image.name not in str(soup)


def test_without_a_cdn_renditions_are_linked_at_the_bucket_and_csp_allows_it(tmp_path):
    env = production_env(
        tmp_path,
        DJANGO_MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
    )
    code = (
        "from django.conf import settings;"
        "print(settings.MEDIA_URL, 'https://s3.example.net' in settings.SECURE_CSP['img-src'])"
    )
    result = manage(env, "shell", "--no-imports", "-c", code)
    assert result.stdout.strip().splitlines()[-1] == f"https://s3.example.net/{BUCKET}/ True", (
        result.stderr
    )

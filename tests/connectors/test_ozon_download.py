"""download_file: auth headers go only to the Ozon API's own origin."""

import httpx
import pytest

from connectors.errors import BadRequest, ChatNotFound

from .fakes import API_KEY, CLIENT_ID, FakeOzon, make_api, rpc_error

FILE_PATH = "/v2/chat/file/messenger/3e1b2c4d.jpg"
JPEG = b"\xff\xd8\xff\xe0jpeg-bytes"


def jpeg(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=JPEG, headers={"Content-Type": "image/jpeg"})


@pytest.mark.parametrize(
    "url", [f"https://api-seller.ozon.ru{FILE_PATH}", FILE_PATH, FILE_PATH.lstrip("/")]
)
async def test_download_with_auth_headers(url: str) -> None:
    fake = FakeOzon()
    fake.default(FILE_PATH, jpeg)
    client, api, _ = make_api(fake)
    downloaded = await api.download_file(url)
    (request,) = fake.calls(FILE_PATH)
    assert request.method == "GET"
    assert request.url == f"https://api-seller.ozon.ru{FILE_PATH}"
    assert request.headers["Client-Id"] == CLIENT_ID
    assert request.headers["Api-Key"] == API_KEY
    assert downloaded.content == JPEG
    assert downloaded.content_type == "image/jpeg"
    assert downloaded.name == "3e1b2c4d.jpg"
    assert client.calls.by_method == {"/v2/chat/file": 1}


async def test_download_name_from_content_disposition() -> None:
    fake = FakeOzon()
    fake.default(
        FILE_PATH,
        lambda r: httpx.Response(
            200,
            content=b"%PDF",
            headers={
                "Content-Type": "application/pdf; charset=binary",
                "Content-Disposition": 'attachment; filename="invoice.pdf"',
            },
        ),
    )
    _, api, _ = make_api(fake)
    downloaded = await api.download_file(FILE_PATH)
    assert downloaded.name == "invoice.pdf"
    assert downloaded.content_type == "application/pdf"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/v2/chat/file/x.jpg",
        "http://api-seller.ozon.ru/v2/chat/file/x.jpg",  # downgrade to plain http
        "https://api-seller.ozon.ru:8443/v2/chat/file/x.jpg",
        "https://api-seller.ozon.ru.evil.com/v2/chat/file/x.jpg",
        "//evil.example.com/v2/chat/file/x.jpg",
    ],
)
async def test_refuses_to_send_key_to_foreign_host(url: str) -> None:
    fake = FakeOzon()
    _, api, _ = make_api(fake)
    with pytest.raises(BadRequest, match="refusing"):
        await api.download_file(url)
    assert fake.requests == []  # nothing left the process


async def test_download_errors_are_mapped_and_retried() -> None:
    fake = FakeOzon()
    fake.queue(FILE_PATH, httpx.Response(503), jpeg)
    fake.queue("/v2/chat/file/gone.jpg", rpc_error(404, 5, "chat not found"))
    _, api, sleep = make_api(fake)
    assert (await api.download_file(FILE_PATH)).content == JPEG
    assert len(sleep.delays) == 1
    with pytest.raises(ChatNotFound):
        await api.download_file("/v2/chat/file/gone.jpg")

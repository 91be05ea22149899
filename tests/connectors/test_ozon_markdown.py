"""Parsing Ozon's Markdown `data` into text, images, files and links."""

import pytest

from connectors.ozon.markdown import FileLink, Link, parse_markdown

IMG = "https://api-seller.ozon.ru/v2/chat/file/messenger/3e1b2c4d.jpg"
IMG2 = "https://api-seller.ozon.ru/v2/chat/file/messenger-rotated-3/aa.jpg"
FILE = "https://api-seller.ozon.ru/v2/chat/file/screens/x.jpg"
PRODUCT = "https://www.ozon.ru/product/smartfon-123"


@pytest.mark.parametrize(
    ("data", "text", "images", "files", "links"),
    [
        (["Привет, где заказ?"], "Привет, где заказ?", [], [], []),
        (["  two  spaces kept\nand lines  "], "  two  spaces kept\nand lines  ", [], [], []),
        ([f"![]({IMG})"], "", [IMG], [], []),
        ([f"Вот фото ![]({IMG})"], "Вот фото", [IMG], [], []),
        (
            [f"[Screenshot_20250914 (123KB)]({FILE})"],
            "",
            [],
            [FileLink(name="Screenshot_20250914", url=FILE)],
            [],
        ),
        (
            [f"[report.pdf (1.5 MB)]({FILE})"],
            "",
            [],
            [FileLink(name="report.pdf", url=FILE)],
            [],
        ),
        (
            [f"Подойдёт ли стекло к [ модели ]({PRODUCT}) телефона?"],
            "Подойдёт ли стекло к модели телефона?",
            [],
            [],
            [Link(text="модели", url=PRODUCT)],
        ),
        (
            [f"Смотрите [ товар ]({PRODUCT})", f"![]({IMG})", f"![]({IMG2}) и ещё"],
            "Смотрите товар\nи ещё",
            [IMG, IMG2],
            [],
            [Link(text="товар", url=PRODUCT)],
        ),
        ([f"[]({PRODUCT})"], PRODUCT, [], [], [Link(text=PRODUCT, url=PRODUCT)]),
    ],
    ids=[
        "plain",
        "plain-whitespace-untouched",
        "image-only",
        "text-and-image",
        "screenshot-with-size",
        "file-decimal-size",
        "product-link-padded",
        "multiple-entries",
        "empty-link-text",
    ],
)
def test_parse_markdown(
    data: list[str],
    text: str,
    images: list[str],
    files: list[FileLink],
    links: list[Link],
) -> None:
    content = parse_markdown(data)
    assert content.text == text
    assert content.images == images
    assert content.files == files
    assert content.links == links


def test_empty_data() -> None:
    content = parse_markdown([])
    assert content.text == ""
    assert (content.images, content.files, content.links) == ([], [], [])

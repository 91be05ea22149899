"""Downloads: 200 bytes, 202 while moderated then 200, 451 when refused, 400 otherwise."""

import httpx

from sandbox.wildberries import Moderation, Upload, WildberriesEmulator

from .conftest import JPEG, OTHER, PDF, SELLER


async def test_pending_then_approved_after_polls(
    emu: WildberriesEmulator, api: httpx.AsyncClient
) -> None:
    event = emu.state.buyer_writes(
        SELLER, uploads=[Upload("p.jpg", JPEG, Moderation.PENDING, pending_polls=2)]
    )
    (stored,) = event.files
    url = f"/api/v1/seller/download/{stored.download_id}"
    for _ in range(2):
        pending = await api.get(url)
        assert pending.status_code == 202
        assert pending.json() == {"moderationState": "pending", "retrySeconds": 30}
    done = await api.get(url)
    assert done.status_code == 200 and done.content == JPEG
    assert done.headers["content-type"] == "image/jpeg"


async def test_pending_until_control_decides(
    emu: WildberriesEmulator, api: httpx.AsyncClient, control: httpx.AsyncClient
) -> None:
    event = emu.state.buyer_writes(SELLER, uploads=[Upload("Чек.pdf", PDF, Moderation.PENDING)])
    download_id = event.files[0].download_id
    url = f"/api/v1/seller/download/{download_id}"
    assert (await api.get(url)).status_code == 202
    assert (await api.get(url)).status_code == 202
    decided = await control.post(f"/files/{download_id}/moderation", json={"state": "refused"})
    assert decided.json() == {"download_id": download_id, "state": "refused"}
    refused = await api.get(url)
    assert refused.status_code == 451
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["detail"] == "moderation error" and refused.json()["status"] == 451


async def test_pdf_name_and_unknown_or_foreign_ids(
    emu: WildberriesEmulator, raw: httpx.AsyncClient
) -> None:
    mine = emu.state.buyer_writes(SELLER, uploads=[Upload("Чек.pdf", PDF)]).files[0]
    theirs = emu.state.buyer_writes(OTHER, uploads=[Upload("x.pdf", PDF)]).files[0]
    ok = await raw.get(f"/api/v1/seller/download/{mine.download_id}")
    assert (
        ok.status_code == 200
        and "UTF-8''%D0%A7%D0%B5%D0%BA.pdf" in ok.headers["content-disposition"]
    )
    for bad in ("no-such-id", theirs.download_id):
        response = await raw.get(f"/api/v1/seller/download/{bad}")
        assert response.status_code == 400 and response.json()["detail"] == "invalid fileID"

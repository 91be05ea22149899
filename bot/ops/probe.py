"""The image's HEALTHCHECK: ``python -m bot.ops.probe`` asks the running bot's /healthz.

Standard library only and no settings parsing, so it answers in milliseconds inside the
container. Exit 0 when healthy (or when ``METRICS_PORT`` is off: there is nothing to ask,
and the process supervisor still sees the process), 1 when /healthz says 503 or does not
answer; the reason is printed for ``docker inspect``.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 4.0


def probe(port: str, host: str = "127.0.0.1") -> tuple[int, str]:
    url = f"http://{host}:{port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            return 0, response.read().decode()
    except urllib.error.HTTPError as exc:
        body = exc.read().decode(errors="replace")
        try:
            problems = "; ".join(json.loads(body).get("problems", []))
        except ValueError:
            problems = body[:200]
        return 1, f"unhealthy ({exc.code}): {problems}"
    except OSError as exc:
        return 1, f"no answer from {url} ({type(exc).__name__})"


def main() -> int:
    port = os.environ.get("METRICS_PORT", "").strip()
    if not port:
        print("METRICS_PORT is off: no health endpoint to ask")
        return 0
    code, message = probe(port)
    print(message)
    return code


if __name__ == "__main__":
    raise SystemExit(main())

"""Deterministic guardrails for anything that is about to reach a buyer.

Pure functions of the text (and of whether the buyer brought up a return): no I/O, no
model, so the same text is always judged the same way and every rule is covered by a
table of realistic Russian phrasings in the tests.

Two severities, following what Ozon moderation rejects and what keeps a seller out of
trouble (``shared/reference/support-domain.md``):

* **block** — contacts and ways off the marketplace (phone numbers in any spelling,
  e-mail addresses, links to outside sites, messenger or social handles) and text over
  Ozon's 1000 characters. Such a text is never sent.
* **warn** — promises the seller cannot keep, blame, brush-offs, anything revealing
  automation, offering a return the buyer did not ask about. A person confirms first.

Order and posting numbers (``47873153-0052``, ``47873153-0052-1``), prices, sizes, dates
and SKUs are not phone numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.texts import Html
from bot.texts.markup import escaped, join

OZON_TEXT_LIMIT = 1000


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"


class Rule(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    LINK = "link"
    HANDLE = "handle"
    TOO_LONG = "too_long"
    PROMISE = "promise"
    BLAME = "blame"
    BRUSH_OFF = "brush_off"
    AUTOMATION = "automation"
    UNASKED_RETURN = "unasked_return"


SEVERITY: dict[Rule, Severity] = {
    Rule.PHONE: Severity.BLOCK,
    Rule.EMAIL: Severity.BLOCK,
    Rule.LINK: Severity.BLOCK,
    Rule.HANDLE: Severity.BLOCK,
    Rule.TOO_LONG: Severity.BLOCK,
    Rule.PROMISE: Severity.WARN,
    Rule.BLAME: Severity.WARN,
    Rule.BRUSH_OFF: Severity.WARN,
    Rule.AUTOMATION: Severity.WARN,
    Rule.UNASKED_RETURN: Severity.WARN,
}


@dataclass(frozen=True, slots=True)
class Finding:
    rule: Rule
    fragment: str
    start: int
    end: int

    @property
    def severity(self) -> Severity:
        return SEVERITY[self.rule]

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCK

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule.value,
            "severity": self.severity.value,
            "fragment": self.fragment,
            "start": self.start,
            "end": self.end,
        }


def findings_from_dicts(items: Iterable[dict[str, object]]) -> list[Finding]:
    """Stored findings (``ai_suggestions.guardrail_findings``) back into objects."""
    return [
        Finding(Rule(str(i["rule"])), str(i["fragment"]), int(i["start"]), int(i["end"]))  # type: ignore[call-overload]
        for i in items
    ]


# ----------------------------------------------------------------------- phone numbers

# Digits separated by at most three of: spaces, dashes, brackets, dots (also "+7").
_DIGIT_RUN = re.compile(r"(?:\+\s*)?\d(?:[\s\-‐–—().]{0,3}\d){6,15}")
# Not phones: order and posting numbers, dates, times, decimal numbers.
_ORDER = re.compile(r"^\d{8}-\d{4}(?:-\d{1,2})?$")
_DATE = re.compile(r"^\d{1,2}[./]\d{1,2}[./]\d{2,4}$")
_CITY_PHONE = re.compile(r"\d{3}[\s-]\d{2}[\s-]\d{2}\b")
_PHONE_CONTEXT = re.compile(
    r"(тел|звон|номер|позвон|whats|вотсап|ватсап|вайбер|viber|смс|sms|моб)", re.IGNORECASE
)
_NUMBER_WORDS = (  # noqa: SIM905 - forty words read better as one string
    "ноль нуль один одна два две три четыре пять шесть семь восемь девять десять "
    "одиннадцать двенадцать тринадцать четырнадцать пятнадцать шестнадцать семнадцать "
    "восемнадцать девятнадцать двадцать тридцать сорок пятьдесят шестьдесят семьдесят "
    "восемьдесят девяносто сто двести триста четыреста пятьсот шестьсот семьсот "
    "восемьсот девятьсот плюс"
).split()
_NUMBER_TOKEN = r"(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r"|\d{1,4})"
_WORD_PHONE = re.compile(
    rf"(?<![\w]){_NUMBER_TOKEN}(?:[\s,\-]+{_NUMBER_TOKEN}){{5,}}(?![\w])", re.IGNORECASE
)


def _phones(text: str) -> Iterable[Finding]:
    for match in _DIGIT_RUN.finditer(text):
        raw = match.group().strip()
        core = raw.lstrip("+").strip()
        if _ORDER.match(core) or _DATE.match(core):
            continue
        digits = re.sub(r"\D", "", raw)
        separated = bool(re.search(r"\D", core))
        near = text[max(0, match.start() - 25) : match.start()]
        hinted = separated or bool(_PHONE_CONTEXT.search(near))
        phone = (
            (raw.startswith("+") and 10 <= len(digits) <= 13)
            or (len(digits) == 11 and digits[0] in "78" and (separated or digits[1] == "9"))
            or (len(digits) == 10 and digits[0] == "9" and hinted)
            or (len(digits) == 7 and bool(_CITY_PHONE.fullmatch(core)))
        )
        if phone:
            yield Finding(Rule.PHONE, raw, match.start(), match.end())
    for match in _WORD_PHONE.finditer(text):
        tokens = re.split(r"[\s,\-]+", match.group())
        if any(not t.isdigit() for t in tokens):  # all digits: the digit rule decided
            yield Finding(Rule.PHONE, match.group(), match.start(), match.end())


# ---------------------------------------------------------------- e-mail, links, handles

_AT = r"(?:@|\s*\(at\)\s*|\s*\[at\]\s*|\s+at\s+|\s*собака\s*|\s*собачка\s*)"
_DOT = r"(?:\.|\s*\(dot\)\s*|\s*\[dot\]\s*|\s*\(\.\)\s*|\s*\[\.\]\s*|\s+dot\s+|\s+точка\s+)"
_TLD = r"(?:ru|com|net|org|рф|su|me|io|shop|store|online|site|info|biz|pro|by|kz|ua|ру|ком)"
_EMAIL = re.compile(rf"[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_TLD}\b", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_DOMAIN = re.compile(rf"\b[\w-]{{2,}}(?:{_DOT}[\w-]{{2,}})*{_DOT}{_TLD}\b(?:/\S*)?", re.IGNORECASE)
_SHORT_LINKS = re.compile(
    r"\b(?:t\.me|wa\.me|vk\.cc|clck\.ru|bit\.ly|tinyurl\.com|goo\.gl)/\S*", re.IGNORECASE
)
# The marketplace's own site is the one link a buyer may get (a product card, "My orders"):
# each marketplace forbids pointing its buyers anywhere else, a rival marketplace included.
_OWN_SITE: dict[str, re.Pattern[str]] = {
    "ozon": re.compile(r"(?:^|[/.\s])ozon\.(?:ru|com)\b", re.IGNORECASE),
    "wildberries": re.compile(r"(?:^|[/.\s])(?:wildberries\.ru|wb\.ru)\b", re.IGNORECASE),
    "ym": re.compile(r"(?:^|[/.\s])market\.yandex\.ru\b", re.IGNORECASE),
}
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z][A-Za-z0-9_]{3,}")
_MESSENGERS = re.compile(
    r"\b(?:телеграм\w*|телеграмм\w*|telegram|телег[аеу]|тг|tg|whats\s?app|вотсап\w*|"
    r"ватсап\w*|вацап\w*|viber|вайбер\w*|вконтакт\w*|вк|vk|инстаграм\w*|instagram|инст[аеуы]|"
    r"ютуб\w*|youtube|одноклассник\w*|мессенджер\w*|max\s+мессенджер)\b",
    re.IGNORECASE,
)


def _contacts(text: str, own_site: re.Pattern[str]) -> Iterable[Finding]:
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in _EMAIL.finditer(text):
        taken.append(match.span())
        yield Finding(Rule.EMAIL, match.group(), *match.span())
    for pattern in (_URL, _SHORT_LINKS, _DOMAIN):
        for match in pattern.finditer(text):
            if not free(*match.span()) or own_site.search(" " + match.group()):
                continue
            taken.append(match.span())
            yield Finding(Rule.LINK, match.group(), *match.span())
    for pattern in (_HANDLE, _MESSENGERS):
        for match in pattern.finditer(text):
            if free(*match.span()):
                taken.append(match.span())
                yield Finding(Rule.HANDLE, match.group(), *match.span())


# ------------------------------------------------------------------------ warn rules

_WARN_PATTERNS: tuple[tuple[Rule, re.Pattern[str]], ...] = (
    (
        Rule.PROMISE,
        re.compile(
            r"гарантир\w*\s+(?:вам\s+)?(?:полный\s+)?возврат\w*|"
            r"100\s*%\s*возврат\w*|"
            r"верн[её]м\s+(?:вам\s+)?(?:все\s+|всю\s+)?(?:деньги|сумму|средства|оплату)|"
            r"деньги\s+(?:мы\s+)?(?:обязательно\s+)?верн[её]м|"
            r"бесплатн\w*\s+(?:замен\w*|обмен\w*)|замен\w*\s+(?:вам\s+)?бесплатно|"
            r"(?:обязательно|точно)\s+(?:заменим|вернём|вернем|компенсируем)|компенсируем",
            re.IGNORECASE,
        ),
    ),
    (
        Rule.BLAME,
        re.compile(
            r"вы\s+(?:сами\s+)?(?:неправильно|не\s+так)\s+\w+|"
            r"\b(?:читайте|прочитайте|прочтите)\s+(?:внимательно\s+)?(?:описание|карточку)|"
            r"\bсмотрите\s+внимательно|"
            r"надо\s+было\s+(?:читать|смотреть|выбирать)|сами\s+виноваты|ваша\s+вина|"
            r"по\s+вашей\s+вине|вы\s+не\s+(?:прочитали|посмотрели|проверили)",
            re.IGNORECASE,
        ),
    ),
    (
        Rule.BRUSH_OFF,
        re.compile(
            r"(?:обратитесь|обращайтесь|пишите|напишите|звоните)\s+(?:в|во)\s+"
            r"(?:службу\s+)?(?:поддержк\w*|техподдержк\w*)(?:\s+(?:озон|ozon))?|"
            r"это\s+не\s+к\s+нам|это\s+вопрос\s+к\s+(?:озон|ozon)|"
            r"ничем\s+не\s+можем\s+помочь|не\s+можем\s+ничем\s+помочь|не\s+наша\s+проблема",
            re.IGNORECASE,
        ),
    ),
    (
        Rule.AUTOMATION,
        re.compile(
            r"(?<![\w])(?:ИИ|AI)(?![\w])|(?i:\bбот(?:а|у|ом|е|ы|ов)?\b)|(?i:нейросет\w*)|"
            r"(?i:\b(?:chat\s?gpt|gpt|гпт|чат\s?гпт)\b)|(?i:искусственн\w+\s+интеллект\w*)|"
            r"(?i:языков\w+\s+модел\w*)|(?i:автоматическ\w+\s+ответ\w*)"
        ),
    ),
)
_RETURN_OFFER = re.compile(
    r"(?:оформ\w+|сдела\w+|офомить)\s+возврат\w*|возврат\w*\s+(?:товара|средств|денег)|"
    r"вернуть\s+(?:товар|его|её|ее|куртку|покупку)|можете\s+вернуть",
    re.IGNORECASE,
)


def check(
    text: str, *, buyer_raised_return: bool = True, marketplace: str = "ozon"
) -> list[Finding]:
    """Every problem in ``text``, ordered by position. Empty means it may go out.
    ``marketplace``: whose buyer reads it (its own site's links are allowed)."""
    normalized = text.replace("ё", "е").replace("Ё", "Е")
    found: list[Finding] = [
        Finding(f.rule, text[f.start : f.end], f.start, f.end)
        for f in (*_phones(normalized), *_contacts(normalized, _OWN_SITE[marketplace]))
    ]
    if len(text) > OZON_TEXT_LIMIT:
        found.append(Finding(Rule.TOO_LONG, str(len(text)), OZON_TEXT_LIMIT, len(text)))
    for rule, pattern in _WARN_PATTERNS:
        for match in pattern.finditer(normalized):
            found.append(Finding(rule, text[match.start() : match.end()], *match.span()))
    if not buyer_raised_return:
        for match in _RETURN_OFFER.finditer(normalized):
            found.append(
                Finding(Rule.UNASKED_RETURN, text[match.start() : match.end()], *match.span())
            )
    return _dedupe(sorted(found, key=lambda f: (f.start, f.end)))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per overlapping stretch and rule (word phones overlap digit runs)."""
    kept: list[Finding] = []
    for finding in findings:
        if any(k.rule == finding.rule and finding.start < k.end for k in kept):
            continue
        kept.append(finding)
    return kept


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocking]


def warnings(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if not f.blocking]


def highlight(text: str, findings: Iterable[Finding]) -> Html:
    """HTML of ``text`` (escaped) with each finding underlined and bold, for the topic."""
    spans = sorted(
        ((f.start, f.end) for f in findings if f.rule is not Rule.TOO_LONG), key=lambda s: s
    )
    out: list[str] = []
    position = 0
    for start, end in spans:
        if start < position:
            continue
        out.append(escaped(text[position:start]))
        out.append(f"<u><b>{escaped(text[start:end])}</b></u>")
        position = end
    out.append(escaped(text[position:]))
    return join(out, "")

"""The regular expressions of the contract, with the words an error or a doc uses for each.

They appear in the JSON Schemas as they are, so they are written in the subset that both
Python ``re`` and ECMA-262 (what JSON Schema tools use) read the same way.
"""

from __future__ import annotations

TEXT_PATTERN = r"^[^\s\x00-\x1f\x7f]+(?: [^\s\x00-\x1f\x7f]+)*$"
LINE_PATTERN = r"^[^\x00-\x1f\x7f]+$"
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
URN_PATTERN = r"^urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[^\s\x00-\x1f\x7f]+$"
URI_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f]+$"
TRACEPARENT_PATTERN = r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"
POSTCODE_PATTERN = r"^\s*[1-9][0-9]{3}\s*[A-Za-z]{2}\s*$"

PATTERN_LABELS = {
    TEXT_PATTERN: "text without control characters or leading, trailing or double spaces",
    LINE_PATTERN: "text without control characters",
    CODE_PATTERN: "a code of letters, digits, '.', '_' or '-' (at most 32)",
    SLUG_PATTERN: "a slug of lower-case letters, digits and '-' (at most 64)",
    UUID_PATTERN: "a UUID such as 6f9619ff-8b86-d011-b42d-00c04fc964ff",
    URN_PATTERN: "a URN such as urn:nld:oin:<OIN>:systeem:<name>",
    URI_PATTERN: "an absolute URI",
    TRACEPARENT_PATTERN: "a W3C traceparent",
    POSTCODE_PATTERN: "a Dutch postcode such as 5701AB",
}

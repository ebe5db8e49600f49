"""The message templates of each built-in code, as docs/audit.md lists them.

    python tests/audit_templates.py            rewrite the lists in docs/audit.md from the catalog
    python tests/audit_templates.py --check    exit 1 when a list differs, write nothing

tests/test_catalog_messages.py checks that every section shows its code's templates as the catalog
(``jixiao.catalog``) has them; it never rewrites the page.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from jixiao import catalog

PAGE = Path(__file__).resolve().parents[1] / "docs" / "audit.md"
HEAD = "- 消息模板 Message templates（`{字段}` 在复核时填入 fields filled in when raised）:"


def templates_block(info: catalog.CodeInfo) -> str:
    """The list of *info*'s templates, one item per situation (the usual one first)."""
    lines = [HEAD]
    for variant, template in info.messages.items():
        label = "通常 usual" if variant == "" else f"`{variant}`"
        lines.append(f"  - {label}: `{template.zh}`")
        lines.append(f"    `{template.en}`")
    return "\n".join(lines) + "\n"


def rewrite(page: str) -> str:
    for code, info in catalog.CATALOG.items():
        start = page.find(f"### `{code}`")
        if start < 0:
            continue
        end = page.find("\n### ", start + 1)
        end = len(page) if end < 0 else end + 1
        section = page[start:end]
        block = templates_block(info)
        if HEAD in section:
            head = section.index(HEAD)
            rest = section[head:].split("\n")
            n = 1
            while n < len(rest) and rest[n].startswith("  "):
                n += 1
            section = section[:head] + block + "\n".join(rest[n:])
        else:
            # after the whole Meaning item, its continuation lines included
            meaning = re.search(r"^- Meaning: .*\n(?:  .*\n)*", section, flags=re.M)
            assert meaning, f"§{code} has no Meaning line"
            section = section[: meaning.end()] + block + section[meaning.end() :]
        page = page[:start] + section + page[end:]
    return page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="show nothing, write nothing")
    args = parser.parse_args()
    old = PAGE.read_text(encoding="utf-8")
    new = rewrite(old)
    if new == old:
        return 0
    if args.check:
        return 1
    PAGE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

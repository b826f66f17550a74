"""Reading the demo's content files: a few `key: value` lines, a `---` line, then the text."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources as package_files

CONTENT = package_files.files("globe.demo") / "content"


@dataclass(frozen=True)
class Entry:
    name: str  # the file name without its extension
    folder: str  # the sub-folder it sits in (a community slug for wiki pages)
    fields: dict[str, str]
    text: str


def entries(kind: str) -> list[Entry]:
    """Every content file under content/<kind>/ (one level of sub-folders), in name order."""
    found = []
    for folder in sorted(CONTENT.joinpath(kind).iterdir(), key=lambda item: item.name):
        files = (
            sorted(folder.iterdir(), key=lambda item: item.name) if folder.is_dir() else [folder]
        )
        for file in files:
            if file.name.endswith(".md"):
                found.append(
                    _parse(
                        file.name.removesuffix(".md"),
                        folder.name if folder.is_dir() else "",
                        file.read_text(encoding="utf-8"),
                    )
                )
    return found


def _parse(name: str, folder: str, source: str) -> Entry:
    head, separator, text = source.partition("\n---\n")
    if not separator:
        raise ValueError(f"Demo content {folder}/{name} has no '---' line after its fields.")
    fields = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return Entry(name, folder, fields, text.strip() + "\n")

"""Real English text for benchmarks, taken from the machine's manual pages (no lorem ipsum)."""
from __future__ import annotations

import gzip
import random
import re
from collections.abc import Iterator
from pathlib import Path

MAN_DIRS = [Path("/usr/share/man/man1"), Path("/usr/share/man/man8"), Path("/usr/share/man/man5")]
_ESCAPES = re.compile(r"\\f[BIRP]|\\f\(..|\\[(*][^ ]{0,3}|\\-|\\&|\\e|\\\||\\\^|\\ ")


def man_paragraphs(limit_files: int = 4000) -> Iterator[str]:
    """Paragraphs of plain text from roff manual pages: macro lines dropped, escapes removed."""
    files = [path for folder in MAN_DIRS if folder.is_dir() for path in sorted(folder.glob("*.gz"))]
    for path in files[:limit_files]:
        try:
            text = gzip.open(path, "rt", errors="replace").read()
        except (OSError, EOFError):
            continue
        lines = [_ESCAPES.sub("", line) for line in text.splitlines() if line and not line.startswith((".", "'"))]
        for block in re.split(r"\n{2,}", "\n".join(lines)):
            words = block.split()
            if len(words) >= 12:
                yield " ".join(words)


class Corpus:
    """A pool of paragraphs and words to draw realistic documents from."""

    def __init__(self, seed: int = 7, paragraphs: int = 30000):
        self.rng = random.Random(seed)
        self.paragraphs = []
        for paragraph in man_paragraphs():
            self.paragraphs.append(paragraph)
            if len(self.paragraphs) >= paragraphs:
                break
        if not self.paragraphs:
            raise SystemExit("No manual pages found under /usr/share/man: install man-db and manpages.")
        self.words = sorted({w.lower() for p in self.paragraphs[:3000] for w in re.findall(r"\b[A-Za-z]{4,12}\b", p)})

    def text(self, words: int) -> str:
        """About `words` words of consecutive real paragraphs, separated by blank lines."""
        out, count = [], 0
        start = self.rng.randrange(len(self.paragraphs))
        while count < words:
            paragraph = self.paragraphs[(start + len(out)) % len(self.paragraphs)]
            out.append(paragraph)
            count += len(paragraph.split())
        return "\n\n".join(out)

    def title(self) -> str:
        return " ".join(self.rng.sample(self.words, 3)).capitalize()

"""Display names nobody can use to pass for a site admin or a facilitator.

The rule: two names are the same person to a reader when their *look-alike keys* are equal. The key
is the name in Unicode NFKC form with every character that looks like a Latin letter replaced by
that letter (the Unicode confusables data of UTS #39, through confusable-homoglyphs: a Cyrillic "А"
or a Greek "Ρ" reads as "A" and "P"), accents removed, case-folded, the characters that look the
same once case is gone made one (0 and o; 1, i and l), and only letters and digits kept (no spaces,
dots, dashes or invisible characters). Letters of other scripts stay as they are, so names in Arabic
or Chinese are compared exactly. A new or changed name whose key equals that of a site admin's or a
facilitator's name is refused; the holder of the name may keep it."""
from __future__ import annotations

import re
import unicodedata

from confusable_homoglyphs import confusables
from sqlalchemy import select

from ..extensions import db
from ..models import Membership, User
from ..permissions import roles_at_least

# Characters that look alike once case is gone: "I" (i) and "l" (L) in many fonts, and digits.
_LOOK_ALIKE = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l"})
_NOT_A_LETTER = re.compile(r"[\W_]+")
# Names Globe itself shows, which nobody may take: for deleted accounts, and for what the system does.
FORMER_MEMBER = "Former member"
SYSTEM_NAME = "Globe"
RESERVED_NAMES = (FORMER_MEMBER, SYSTEM_NAME)


def look_alike_key(name: str) -> str:
    """What a reader sees in a name, with look-alike characters made the same."""
    text = unicodedata.normalize("NFKC", name or "")
    found = confusables.is_confusable(text, preferred_aliases=["latin"], greedy=True) or []
    latin = {hit["character"]: hit["homoglyphs"][0]["c"] for hit in found if hit["homoglyphs"]}
    text = "".join(latin.get(char, char) for char in text)
    bare = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    return _NOT_A_LETTER.sub("", bare.casefold().translate(_LOOK_ALIKE))


def is_reserved(name: str) -> bool:
    """True for a name (or a look-alike of one) that Globe shows for deleted accounts or its own actions."""
    return look_alike_key(name) in {look_alike_key(reserved) for reserved in RESERVED_NAMES}


def imitated_name(name: str, *, user_id: int | None = None) -> str | None:
    """The protected name (a site admin's or a facilitator's) that `name` would pass for, if any."""
    key = look_alike_key(name)
    if not key:
        return None
    facilitators = select(Membership.user_id).where(Membership.status == "active",
                                                    Membership.role.in_(roles_at_least("facilitator")))
    protected = db.session.scalars(select(User.display_name).where(
        (User.is_admin.is_(True)) | User.id.in_(facilitators), User.id != (user_id or 0)))
    return next((held for held in protected if look_alike_key(held) == key), None)

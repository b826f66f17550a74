"""After a crash: the drain lease and the extraction claims of a process that died on this machine are
taken over at once; those of live processes, or of other machines until they expire, are respected."""
import io
import subprocess
import sys
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from factories import add_member, make_community, make_user
from werkzeug.datastructures import FileStorage

from globe.extensions import db
from globe.holders import is_dead, this_process
from globe.models import ResourceVersion, SearchDrainLease
from globe.models.base import utcnow
from globe.services import extraction, resources, search

ROOT = Path(__file__).resolve().parents[2]
# A real process that says who it is, then waits until its stdin closes.
SAY_WHO = "import sys; from globe.holders import this_process; print(this_process(), flush=True); sys.stdin.read()"
ELSEWHERE = "other-host#0123abcd:4242:98765"


def dead_holder() -> str:
    """The holder identity of a process that has exited (and been reaped)."""
    return subprocess.run([sys.executable, "-c", SAY_WHO], cwd=ROOT, input="", capture_output=True, text=True,
                          check=True).stdout.strip()


@contextmanager
def live_holder():
    child = subprocess.Popen([sys.executable, "-c", SAY_WHO], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        yield child.stdout.readline().strip()
    finally:
        child.stdin.close()
        child.wait()


@pytest.fixture
def member(app):
    cop = make_community("recovery")
    user = make_user()
    add_member(cop, user)
    return cop, user


def share(member, word: str):
    cop, user = member
    upload = FileStorage(io.BytesIO(f"Notes on {word}.".encode()), f"{word}.txt")
    return resources.add_resource(user, cop, upload=upload, title=f"Lesson {word}")


def hold_lease(holder: str, expires_in: timedelta = search.LEASE) -> None:
    db.session.merge(SearchDrainLease(id=1, holder=holder, expires_at=utcnow() + expires_in))
    db.session.commit()


def found(member, word: str) -> int:
    return search.search(member[1], text=word).total


# --- who holds what --------------------------------------------------------------------------

def test_only_a_holder_proven_dead_on_this_machine_is_dead():
    machine, pid, start = this_process().rsplit(":", 2)
    assert not is_dead(this_process()) and not is_dead(f"{this_process()}/7")
    assert is_dead(dead_holder())
    assert is_dead(f"{machine}:{pid}:{int(start) + 1}")  # this pid, but another start: the pid was reused
    for unknown in (None, "", ELSEWHERE, "old-format-host:12:34", f"{machine}:{pid}:-", f"{machine}:x:1"):
        assert not is_dead(unknown), unknown


# --- the search drain lease ------------------------------------------------------------------

def test_the_lease_of_a_process_that_died_here_is_taken_over_at_once(member):
    hold_lease(dead_holder() + "/1")
    share(member, "quokka")
    assert found(member, "quokka") == 1 and search.queue_length() == 0


def test_the_lease_of_a_live_process_is_respected(member):
    with live_holder() as holder:
        hold_lease(holder + "/1")
        share(member, "axolotl")
        assert found(member, "axolotl") == 0 and search.queue_length() > 0
        assert search.drain_queue() == 0
    assert search.drain_queue() > 0  # the holder has exited meanwhile
    assert found(member, "axolotl") == 1


def test_the_lease_of_another_machine_is_respected_until_it_expires(member):
    hold_lease(ELSEWHERE + "/1")
    share(member, "pangolin")
    assert search.drain_queue() == 0 and found(member, "pangolin") == 0
    hold_lease(ELSEWHERE + "/1", expires_in=-timedelta(seconds=1))
    assert search.drain_queue() > 0 and found(member, "pangolin") == 1


def test_the_index_worker_takes_over_a_dead_processs_lease(app, member):
    resource = share(member, "capybara")
    hold_lease(ELSEWHERE + "/1")  # so the next change stays queued
    resources.update_resource(member[1], resource, title="Lesson capybara, revised")
    hold_lease(dead_holder() + "/1")
    result = app.test_cli_runner().invoke(args=["globe", "index-worker", "--once"])
    assert result.exit_code == 0 and "Applied" in result.output and search.queue_length() == 0
    assert found(member, "revised") == 1


# --- extraction claims -----------------------------------------------------------------------

def claim(version: ResourceVersion, holder: str, *, age: timedelta = timedelta(0)) -> None:
    version.extraction_status, version.extraction_claimed_by = "running", holder
    version.extraction_started_at = utcnow() - age
    db.session.commit()


def test_a_claim_of_a_dead_process_is_given_back_at_once(member):
    dead, elsewhere = share(member, "kiwi").latest, share(member, "kakapo").latest
    claim(dead, dead_holder())
    claim(elsewhere, ELSEWHERE)
    assert extraction.retry_stalled() == [dead.id]
    db.session.refresh(elsewhere)
    assert elsewhere.extraction_status == "running"  # another machine's claim waits for the timeout


def test_a_claim_of_a_live_process_is_kept_and_an_old_one_elsewhere_given_back(member):
    mine, other, old = (share(member, word).latest for word in ("emu", "dingo", "wombat"))
    for version in (mine, other, old):
        version.extraction_status = "pending"
    db.session.commit()
    assert extraction._claim(mine.id)
    with live_holder() as holder:
        claim(other, holder)
        claim(old, ELSEWHERE, age=timedelta(minutes=11))
        assert extraction.retry_stalled() == [old.id]
    db.session.refresh(mine)
    assert mine.extraction_status == "running" and mine.extraction_claimed_by == this_process()

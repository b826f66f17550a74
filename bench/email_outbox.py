"""The email outbox: how long the sender takes for 1,000 messages to a local SMTP server, and that none
is lost when the server stops half-way and comes back.

    .venv/bin/python bench/email_outbox.py [--messages 1000]

A throw-away instance (SQLite in a temporary folder) and an aiosmtpd server on a loopback port.
1. `--messages` are queued in one transaction; the send right after its commit is timed.
2. As many again, with the server stopped once half of them arrived and started again a second
   later; the sender then runs in rounds as the index worker does (time moved past each retry
   delay with `now=`, instead of waiting). Every message must arrive; copies are counted (a
   message the server took just as it stopped is sent again: twice, never zero times).
Prints the figures; results go to docs/benchmarks.md ("Email outbox") by hand. Exits 1 if one is lost."""
from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from globe import create_app
from globe.db import transaction
from globe.extensions import db
from globe.models import OutboxMessage
from globe.models.base import utcnow
from globe.services import outbox

MAX_ROUNDS = 50


class CountingInbox:
    """Keeps the Message-ID of every message accepted; sets `half_way` once `stop_after` arrived."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.stop_after: int | None = None
        self.half_way = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.received.append(message_from_bytes(envelope.content, policy=policy.default)["Message-ID"])
        if self.stop_after is not None and len(self.received) >= self.stop_after:
            self.half_way.set()
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(inbox: CountingInbox, port: int) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def queue_messages(count: int, label: str, committed: list[float]) -> set[str]:
    """Queue `count` messages in one transaction (sent right after its commit, whose time goes in
    `committed`); their Message-IDs."""
    with transaction() as tx:
        tx.after_commit(lambda: committed.append(time.perf_counter()))  # runs before the send it precedes
        messages = [outbox.queue_email(to_address=f"teacher{n}@example.org", to_name=f"Teacher {n}",
                                       subject=f"{label} {n}", text=f"Message {n}\n",
                                       html=f"<p>Message {n}</p>") for n in range(count)]
    return {message.message_id for message in messages}


def waiting() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status.in_(("queued", "sending"))))


def failed() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "failed"))


def timed_drain(inbox: CountingInbox, count: int) -> None:
    started, committed = time.perf_counter(), []
    ids = queue_messages(count, "Timed", committed)
    seconds = time.perf_counter() - committed[0]
    missing = ids - set(inbox.received)
    print(f"1. {count} messages queued in {committed[0] - started:.2f} s, then sent in {seconds:.2f} s "
          f"({count / seconds:.0f} messages/s); missing {len(missing)}")
    if missing:
        sys.exit(1)


def drain_with_a_stop(inbox: CountingInbox, port: int, count: int, server: Controller) -> None:
    inbox.received.clear()
    inbox.stop_after = count // 2
    restarted: list[Controller] = []

    def stop_and_restart() -> None:
        inbox.half_way.wait()
        server.stop()
        time.sleep(1)
        restarted.append(start_server(inbox, port))

    watcher = threading.Thread(target=stop_and_restart)
    watcher.start()
    started = time.perf_counter()
    ids = queue_messages(count, "Stopped", [])  # the send after the commit runs into the stop
    before_stop = len(inbox.received)
    watcher.join()
    clock, rounds = utcnow(), 0
    while waiting() and rounds < MAX_ROUNDS:
        clock += timedelta(hours=1)  # past any retry delay: each round is the index worker's next look
        outbox.send_queued(now=clock)
        rounds += 1
    seconds = time.perf_counter() - started
    copies = Counter(inbox.received)
    missing = ids - set(copies)
    print(f"2. {count} messages, server stopped after {before_stop} arrived and restarted 1 s later: "
          f"all sent after {rounds} more round(s), {seconds:.2f} s in all (1 s of it stopped); "
          f"missing {len(missing)}, sent twice {sum(1 for n in copies.values() if n > 1)}, "
          f"failed {failed()}")
    restarted[0].stop()
    if missing or failed():
        sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    inbox, port = CountingInbox(), free_port()
    server = start_server(inbox, port)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": f"{folder}/instance", "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                          "SEARCH_INDEX_DIR": f"{folder}/index", "UPLOAD_DIR": f"{folder}/uploads",
                          "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_SECURITY": "none",
                          "SEND_EMAIL_IN_BACKGROUND": False, "SMTP_FROM": "Globe <globe@example.org>"})
        with app.app_context():
            db.create_all()
            timed_drain(inbox, args.messages)
            drain_with_a_stop(inbox, port, args.messages, server)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()

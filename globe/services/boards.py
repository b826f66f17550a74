"""Boards: a person's own collections of resources from any CoP they can see."""
from __future__ import annotations

from sqlalchemy import select

from ..db import transaction
from ..errors import Conflict, NotFound, Unauthorized
from ..extensions import db
from ..models import Board, BoardItem, Resource
from ..permissions import can
from .validation import Checker


def _require_login(actor) -> None:
    if not actor.is_authenticated or actor.id is None:
        raise Unauthorized("Log in to keep boards.")


def list_boards(actor) -> list[Board]:
    _require_login(actor)
    return list(db.session.scalars(select(Board).where(Board.owner_id == actor.id).order_by(Board.name)))


def get_board(actor, board_id: int) -> Board:
    """One of the actor's boards (others' boards are private: not found)."""
    _require_login(actor)
    board = db.session.get(Board, board_id)
    if board is None or board.owner_id != actor.id:
        raise NotFound("No such board.")
    return board


def create_board(actor, *, name: str, description: str = "") -> Board:
    _require_login(actor)
    check = Checker()
    name = check.text("name", name, max_length=120, required=True, label="Board name")
    description = check.text("description", description, max_length=2000)
    check.done()
    with transaction():
        board = Board(owner_id=actor.id, name=name, description=description)
        db.session.add(board)
    return board


def add_item(actor, board: Board, resource: Resource) -> None:
    if board.owner_id != actor.id or resource.is_deleted or not can(actor, "resources.view", resource):
        raise NotFound("No such resource.")
    if any(item.resource_id == resource.id for item in board.items):
        raise Conflict("This resource is already on the board.")
    with transaction():
        board.items.append(BoardItem(resource_id=resource.id))


def remove_item(actor, board: Board, resource_id: int) -> None:
    item = next((item for item in board.items if item.resource_id == resource_id), None)
    if board.owner_id != actor.id or item is None:
        raise NotFound("This resource is not on the board.")
    with transaction():
        board.items.remove(item)


def delete_board(actor, board: Board) -> None:
    if board.owner_id != actor.id:
        raise NotFound("No such board.")
    with transaction():
        db.session.delete(board)


def visible_items(actor, board: Board) -> list[Resource]:
    """The board's resources the owner may still see (one may have become private or been binned since)."""
    return [item.resource for item in board.items
            if not item.resource.is_deleted and can(actor, "resources.view", item.resource)]

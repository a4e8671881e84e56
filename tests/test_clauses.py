"""Clause tree operations (app.rules.clauses): pure functions over the sample's clause list."""

from __future__ import annotations

import pytest

from app.base.errors import UserError
from app.domain import Clause
from app.rules import clauses as ops


def tree() -> list[Clause]:
    return [
        Clause("第一条", "A", "", [Clause("1.1", text="a1"), Clause("1.2", text="a2")]),
        Clause("第二条", "B", "", [Clause("2.1", text="b1")]),
        Clause("第四条", "C"),
    ]


def numbers(clauses: list[Clause]) -> list[str]:
    out: list[str] = []
    for c in clauses:
        out.extend(d * "  " + cl.no for d, cl in c.walk())
    return out


def test_move_indent_outdent_delete_keep_subtrees():
    t = tree()
    assert ops.move(t, (0, 1), -1) == (0, 0)
    assert [c.text for c in t[0].clauses] == ["a2", "a1"]
    assert ops.indent(t, (1,)) == (0, 2)
    assert numbers(t) == ["第一条", "  1.2", "  1.1", "  第二条", "    2.1", "第四条"]
    assert ops.outdent(t, (0, 2)) == (1,)
    assert ops.get(t, (1,)).clauses[0].no == "2.1"
    removed = ops.delete(t, (1,))
    assert removed.no == "第二条" and [c.no for c in t] == ["第一条", "第四条"]


@pytest.mark.parametrize(
    "op",
    [lambda t: ops.move(t, (0,), -1), lambda t: ops.move(t, (2,), 1), lambda t: ops.indent(t, (0,)),
     lambda t: ops.outdent(t, (1,)), lambda t: ops.delete(t, (5,)), lambda t: ops.get(t, (0, 9))],
)
def test_refused_operations_leave_the_tree_unchanged(op):
    t = tree()
    before = numbers(t)
    with pytest.raises(UserError):
        op(t)
    assert numbers(t) == before


def test_renumber_fills_gaps_in_both_styles():
    t = tree()
    assert ops.renumber(t) == 1
    assert numbers(t) == ["第一条", "  1.1", "  1.2", "第二条", "  2.1", "第三条"]
    ops.indent(t, (2,))
    ops.renumber(t)
    assert numbers(t)[-1] == "  2.2"


def test_add_and_find_and_next_number():
    t = tree()
    path = ops.add_after(t, (0, 1))
    assert path == (0, 2) and ops.next_no(t, path) == "1.3"
    assert ops.add_child(t, (1,)) == (1, 1)
    assert ops.add_after(t, None) == (3,) and ops.next_no(t, (3,)) == "第四条"
    assert ops.find(t, "2.1") == (1, 0)
    assert ops.find(t, "9.9") is None


def test_sample_clause_paths(sample):
    assert ops.find(sample.clauses, "5.4.2") == (4, 3, 1)
    assert len(ops.paths(sample.clauses)) == sum(1 for _ in sample.all_clauses())

"""Clause templates that hang, allocate or change the contract (issue 22, items 2, 8 and parts of 6 and 16).

Each hostile clause must be refused with one line, quickly, and before it builds what it asks for; a render
may never change the contract it reads. A guard (SIGALRM) turns a hang into a failure instead of a stuck run.
"""

from __future__ import annotations

import copy
import signal
import time
import tracemalloc
from contextlib import contextmanager

import pytest

from app.domain import Clause
from app.rules import templating
from app.rules.checks import check
from app.rules.templating import TemplateProblem, render, render_contract_text

from .conftest import SAMPLE_NUMBER

pytestmark = pytest.mark.hostile
GUARD_SECONDS = 20


@contextmanager
def no_hang(seconds: int = GUARD_SECONDS):
    def expired(_signum, _frame):
        raise TimeoutError(f"still rendering after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


HANGS = {
    "power tower": "{{ ((((9**64)**64)**64)**64)**64 }}",
    "big product": "{{ 10**999 * 10**999 * 10**999 }}",
    "huge width": "{{ '%300000000s' % 'x' }}",
    "huge width filter": "{{ '%300000000s'|format('x') }}",
    "huge precision": "{{ '%.300000000f' % 1.5 }}",
    "star width": "{{ '%*s' % (300000000, 'x') }}",
    "format method": "{{ '{:>300000000}'.format('x') }}",
    "ljust": "{{ 'x'.ljust(300000000) }}",
    "expandtabs": "{{ ('\t' * 10000).expandtabs(10000) }}",
    "indent": "{{ ('\n' * 10000)|indent(100000) }}",
    "backtracking striptags": "{{ ('<' * 50000)|striptags }}",
    "join of repeats": "{{ [('x' * 10000)] * 10000 | join }}",
    "5,000 parentheses": "{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}",
    "300 additions": "{{ 1" + " + 1" * 300 + " }}",
    "100,000 characters of fill-ins": "{{ " + " ~ ".join(["(total|string)"] * 8000) + " }}",
}


@pytest.mark.parametrize("source", HANGS.values(), ids=HANGS.keys())
def test_a_hostile_clause_is_refused_in_one_line_without_hanging(sample, source):
    with no_hang(), pytest.raises(TemplateProblem) as refused:
        render_contract_text(source, sample)
    message = refused.value.message
    assert message and "\n" not in message and "Traceback" not in message


@pytest.mark.parametrize("source", ["{{ '%300000000s' % 'x' }}", "{{ '%300000000s'|format('x') }}",
                                    "{{ 'x' * 9999 * 9999 }}"])
def test_text_is_refused_before_it_is_built(source):
    tracemalloc.start()
    try:
        with no_hang(), pytest.raises(TemplateProblem):
            render(source, {})
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"{peak:,} bytes allocated before the refusal"


def test_every_step_checks_the_time_budget(monkeypatch, sample):
    """No clause runs past RENDER_SECONDS: with no time left, even the first attribute read stops it."""
    assert render_contract_text("{{ party_a.name }}", sample).text == sample.party_a.name
    monkeypatch.setattr(templating, "RENDER_SECONDS", -1.0)
    for source in ("{{ party_a.name }}", "{{ total | yuan }}", "{{ 1 + 1 }}", "{{ payments[0] }}"):
        with pytest.raises(TemplateProblem, match="takes longer than"):
            render_contract_text(source, sample)


def test_ordinary_arithmetic_and_filters_still_work(sample):
    text = render_contract_text(
        "{{ payments|map(attribute='amount')|sum|yuan }}|{{ 2**10 }}|{{ '%05.1f' % 3.14159 }}|{{ party_a.name.strip() }}"
        "|{{ payments|length }}|{{ (total / 3)|round(2) }}|{{ payments|reverse|map(attribute='amount')|first|yuan }}",
        sample,
    ).text
    assert text == "4273290|1024|003.1|汤阴县公安局|3|1424430.00|1424430"


MUTATIONS = ["{{ payments.reverse() or '' }}", "{{ payments.clear() or '' }}", "{{ payments.append(1) or '' }}",
             "{{ payments.pop() or '' }}", "{{ payments.sort() or '' }}", "{{ party_a.__setattr__('name', 'x') }}",
             "{{ payments[0].due.__dict__.update({'days': 1}) }}"]


@pytest.mark.parametrize("source", MUTATIONS)
def test_a_clause_cannot_change_the_contract_it_fills_in(sample, source):
    before = copy.deepcopy(sample)
    sample.clauses[0].text = source + sample.clauses[0].text
    with pytest.raises(TemplateProblem):
        render_contract_text(sample.clauses[0].text, sample)
    sample.clauses[0].text = before.clauses[0].text
    assert sample == before
    assert [p.due for p in sample.payments] == [p.due for p in before.payments]


def test_check_reports_a_hostile_clause_by_name_instead_of_hanging(cli, db, tmp_path):
    from app.codecs.json_codec import dumps
    from app.store import contracts

    contract = contracts.load(db, SAMPLE_NUMBER)
    contract.clauses.append(Clause("十二", "测试", "金额【{{ ((((9**64)**64)**64)**64)**64 }}】"))
    contracts.save(db, contract, replace=True)
    result = cli("check", SAMPLE_NUMBER)
    assert result.code == 1 and "Traceback" not in result.err, result
    line = next(line for line in result.out.splitlines() if "template" in line)
    assert "十二" in line and "1000 digits" in line
    out = tmp_path / "packet.pdf"
    exported = cli("export", SAMPLE_NUMBER, "--pdf", str(out))
    assert exported.code == 2 and "1000 digits" in exported.err and not out.exists(), exported
    assert check(contracts.load(db, SAMPLE_NUMBER))  # in process too: findings, not a hang
    assert "{{" in dumps(contracts.load(db, SAMPLE_NUMBER))


def test_time_the_garbage_collector_takes_is_not_the_clauses():
    """A full collection in a large program can take a second; the clause's budget does not pay for it."""
    from app.rules import templating

    before = templating._clock()
    templating._count_collections("start", {})
    spin = time.thread_time() + 0.2
    while time.thread_time() < spin:  # a collection that takes 0.2 s of this thread's time
        pass
    templating._count_collections("stop", {})
    assert templating._clock() - before < 0.1

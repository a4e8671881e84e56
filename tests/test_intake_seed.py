"""The seed is the first test: intake of the source text gives the bundled sample, field by field.

The sample (resources/sample/contract.json) was encoded by hand from the same text. Every field the text holds
must come back equal — clause texts with their fill-ins bound to the same fields ({{ total | yuan }}), not only
rendering alike. What the text does not hold is the hand-derived cost table of annex 3 (the source only cites it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.codecs.intake import Confidence, read_document, recognise, review
from app.codecs.intake.arithmetic import Status
from app.codecs.json_codec import contract_to_dict
from app.codecs.sample import sample_path
from app.rules.templating import render_contract_text

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "sample" / "source.txt"


def leaves(data, prefix: str = ""):
    """(path, value) of every leaf; list items of clauses and annexes keyed by their number."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from leaves(value, f"{prefix}.{key}" if prefix else key)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            key = value.get("no") if isinstance(value, dict) and "no" in value else i
            yield from leaves(value, f"{prefix}[{key}]")
    else:
        yield prefix, data


#: Held by the sample but not by the text: the cost table of annex 3 was derived by hand from clause 1.3.
NOT_IN_TEXT = ("annexes[3].table", "annexes[3].text")


def compare(contract) -> tuple[list[str], list[str], list[str]]:
    ours = dict(leaves(contract_to_dict(contract)))
    sample = dict(leaves(json.loads(sample_path().read_text(encoding="utf-8"))))
    same = [k for k in sample if k in ours and ours[k] == sample[k]]
    differ = [k for k in sample if k not in same and not k.startswith(NOT_IN_TEXT)]
    skipped = [k for k in sample if k.startswith(NOT_IN_TEXT)]
    return same, differ, skipped


def test_seed_text_gives_the_sample_field_by_field():
    result = recognise(read_document(SOURCE))
    same, differ, skipped = compare(result.contract)
    assert differ == []
    # 283 leaves in the sample: 265 read from the text, 18 are the hand-made rows of annex 3
    assert (len(same), len(skipped)) == (265, 18)
    assert len(same) + len(skipped) == len(dict(leaves(json.loads(sample_path().read_text(encoding="utf-8")))))


def test_seed_clause_texts_render_as_the_source_words():
    result = recognise(read_document(SOURCE))
    c = result.contract
    clause = next(cl for _d, cl in c.all_clauses() if cl.no == "1.3")
    text = render_contract_text(clause.text, c).text
    assert "支付费用【¥1424430 元】（大写：人民币壹佰肆拾贰万肆仟肆佰叁拾元整）" in text
    assert "{{ payments[2].amount | rmb_upper }}" in clause.text


def test_seed_records_say_where_each_field_stands_and_what_was_guessed():
    result = recognise(read_document(SOURCE))
    doc = result.document
    credit = result.field("parties.b.credit_code")
    assert credit is not None and credit.confidence is Confidence.FOUND
    assert doc.excerpt(credit.span) == "91410500721816077T"
    assert credit.span is not None and doc.describe(credit.span) == "line 63"
    number = result.field("number")
    assert number is not None and number.confidence is Confidence.GUESSED  # an unlabelled code at the top
    annex = result.field("annex:3")
    assert annex is not None and annex.confidence is Confidence.MISSING
    blanks = [f for f in result.fillins if f.blank]
    assert [doc.describe(f.span) for f in blanks] == ["line 9", "line 13"]  # 甲方/乙方合同编号：【 】


def test_seed_arithmetic_agrees_and_reports_the_missing_article():
    result = recognise(read_document(SOURCE))
    report = review(result)
    assert not report.has_errors
    warnings = report.of(Status.WARNING)
    assert [w.code for w in warnings] == ["clause-numbering"]
    assert "第十一条" in warnings[0].message
    passed = {c.code for c in report.of(Status.OK)}
    assert {"upper-amount", "instalment-sum", "credit-code", "copies", "period"} <= passed


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_seed_in_other_encodings_reads_the_same(tmp_path, encoding):
    text = SOURCE.read_text(encoding="utf-8")
    path = tmp_path / "seed.txt"
    path.write_bytes(text.encode(encoding))  # utf-16 writes its byte-order mark
    result = recognise(read_document(path))
    same, differ, _skipped = compare(result.contract)
    assert differ == [] and len(same) == 265

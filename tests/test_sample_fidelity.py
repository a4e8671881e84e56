"""The bundled sample says exactly what the real contract says (resources/sample/source.txt)."""

from __future__ import annotations

import re

from app.base.resources import resource
from app.rules.templating import render_contract_text

SOURCE = re.sub(r"\s+", "", resource("sample", "source.txt").read_text(encoding="utf-8"))


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_clause_renders_to_the_source_text(sample):
    for _depth, clause in sample.all_clauses():
        heading = squash(f"{clause.no}{clause.title}")
        assert heading in SOURCE, clause.no
        for paragraph in render_contract_text(clause.text, sample).text.split("\n"):
            if clause.title:
                assert squash(paragraph) in SOURCE, (clause.no, paragraph)
            else:
                assert squash(clause.no + paragraph) in SOURCE or squash(paragraph) in SOURCE, (clause.no, paragraph)


def test_clauses_appear_in_source_order(sample):
    positions = [SOURCE.index(squash(f"{c.no}{c.title}")) for _d, c in sample.all_clauses()]
    assert positions == sorted(positions)


def test_preamble_title_parties_and_signing_page(sample):
    assert squash(render_contract_text(sample.preamble, sample).text) in SOURCE
    assert squash(sample.title) in SOURCE
    assert sample.number in SOURCE
    y, m = sample.drafted.split("-")
    assert f"【{y}】年【{m}】月" in SOURCE
    for role, label in (("a", "甲方"), ("b", "乙方")):
        party = sample.party(role)
        assert f"{label}：{party.name}" in SOURCE
        assert f"法定代表人（负责人）：{party.representative}地址：{party.address}" in SOURCE
        assert f"{sample.signing(role).seal_caption}：{party.name}" in SOURCE
    assert "乙方代表签字：邵晓" in SOURCE
    assert "甲方合同编号：【】" in SOURCE and "乙方合同编号：【】" in SOURCE


def test_annex_references_match_the_source(sample):
    for annex in sample.annexes:
        assert f"附件{annex.no}：{annex.title}" in SOURCE

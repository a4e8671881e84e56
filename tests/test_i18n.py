"""The translation layer: catalogs complete and compilable, the CLI in both languages, Babel formatting."""

from __future__ import annotations

import datetime as dt
import gettext
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from hypothesis import given, settings
from hypothesis import strategies as st

from app.base import i18n
from app.base.i18n import _, ngettext, set_language
from app.values.formatting import format_count, format_date, format_datetime, format_number

from .conftest import ROOT, SAMPLE_NUMBER

LANGS = ("zh_CN", "en")


def _load_tools():
    spec = importlib.util.spec_from_file_location("contractdesk_i18n_tools", ROOT / "tools" / "i18n.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tools = _load_tools()


@pytest.fixture(scope="module")
def catalogs():
    return {lang: tools.read_catalog(tools.po_path(lang), lang) for lang in LANGS}


# --- the catalogs ------------------------------------------------------------------------------


def test_every_marked_string_in_the_source_is_in_the_template():
    """A `_()` string added to app/ or ui/ without running tools/i18n.py fails here, named."""
    source = tools.msgids(tools.extract())
    template = tools.msgids(tools.read_catalog(tools.POT))
    missing = sorted(map(str, source - template))
    assert not missing, "not in i18n/messages.pot (run `python tools/i18n.py`, then translate):\n" + "\n".join(missing)
    stale = sorted(map(str, template - source))
    assert not stale, "in i18n/messages.pot but no longer in the source (run `python tools/i18n.py`):\n" + "\n".join(stale)


def test_no_message_is_marked_inside_an_f_string():
    """Babel's extractor sees `_("…")` inside an f-string only under Python 3.12 and later: under 3.11 the message
    never reached the catalogs, and the Chinese packet said "Amendment". Mark it outside: `_("…") + f"…"`."""
    import ast

    inside = []
    for path in [*ROOT.joinpath("app").rglob("*.py"), *ROOT.joinpath("ui").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                inside += [f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(call)}" for call in ast.walk(node)
                           if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                           and call.func.id in ("_", "N_", "ngettext") and call.args
                           and isinstance(call.args[0], ast.Constant)]
    assert inside == []


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_holds_every_template_message(lang, catalogs):
    template = tools.msgids(tools.read_catalog(tools.POT))
    missing = sorted(map(str, template - tools.msgids(catalogs[lang])))
    assert not missing, f"{lang} lacks (run `python tools/i18n.py`):\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", LANGS)
def test_no_untranslated_or_fuzzy_entries(lang, catalogs):
    bad = [p for p in tools.problems(catalogs[lang]) if p.startswith(("untranslated", "fuzzy"))]
    assert not bad, f"{lang}:\n" + "\n".join(bad)


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_the_placeholders(lang, catalogs):
    bad = [p for p in tools.problems(catalogs[lang]) if p.startswith("placeholders")]
    assert not bad, f"{lang}:\n" + "\n".join(bad)


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_compiles_and_the_compiled_catalog_translates(lang, catalogs):
    catalog = catalogs[lang]
    assert not list(catalog.check()), f"{lang}: {list(catalog.check())[:5]}"  # Babel's own format checks
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    compiled = gettext.GNUTranslations(buf)
    for message in catalog:
        if message.id and isinstance(message.id, str):
            assert compiled.gettext(message.id) == (message.string or message.id)


def test_zh_cn_is_really_chinese(catalogs):
    """A msgstr copied from English is an untranslated entry in disguise."""
    def has_cjk(text: str) -> bool:
        return any("\u4e00" <= ch <= "\u9fff" for ch in text)

    copied = [m.id for m in catalogs["zh_CN"] if m.id and isinstance(m.id, str) and m.string == m.id and has_cjk(m.id) is False
              and any(ch.isalpha() for ch in re.sub(r"\{\w*\}", "", m.id)) and m.id not in _NOT_TRANSLATED]
    assert not copied, "zh_CN msgstr equals the English msgid:\n" + "\n".join(copied)


#: msgids that read the same in Chinese (formats and codes a user types literally).
_NOT_TRANSLATED = {"YYYY-MM-DD", "PDF", "SHA-256", "{n} KB", "{n} MB"}


def test_tool_compiles_every_catalog(tmp_path):
    """What the build runs: tools/i18n.py compile writes a .mo per language that gettext reads."""
    shutil.copytree(ROOT / "i18n", tmp_path / "i18n", ignore=shutil.ignore_patterns("*.mo"))
    written = tools.compile_catalogs(tmp_path / "i18n")
    assert sorted(p.parent.parent.name for p in written) == sorted(LANGS)
    with (tmp_path / "i18n" / "zh_CN" / "LC_MESSAGES" / "messages.mo").open("rb") as fh:
        assert gettext.GNUTranslations(fh).gettext("Undo") == "撤销"


def test_a_broken_catalog_is_reported(tmp_path):
    """The check itself fails on a catalog with a lost placeholder, an empty and a fuzzy entry."""
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="zh_CN")
    catalog.add("deleted {number}", "已删除")
    catalog.add("Undo", "")
    catalog.add("Redo", "重做", flags=["fuzzy"])
    found = "\n".join(tools.problems(catalog))
    assert "placeholders differ: 'deleted {number}'" in found
    assert "untranslated: 'Undo'" in found and "fuzzy: 'Redo'" in found


def test_tool_check_passes_on_the_tree():
    """`python tools/i18n.py check` (what CI can run) agrees with the tests above."""
    assert tools.check() == []


# --- messages whose msgid is chosen at run time --------------------------------------------------


def _dynamic_msgids() -> dict[str, str]:
    from app.codecs.xlsx.layout import COLUMN_LABELS, TOTAL_LABEL
    from app.domain.contract import Status
    from app.rules.cost_cells import COLUMN_LABELS as ROW_LABELS

    found = {f"Status.{s.name}": s.value for s in Status}
    found |= {f"xlsx column {k}": v for k, v in COLUMN_LABELS.items()}
    found |= {f"annex column {k}": v for k, v in ROW_LABELS.items()}
    found["total label"] = TOTAL_LABEL
    from app.rules.templating import FIELD_CATALOG

    found |= {f"insert field {expr}": label for expr, label in FIELD_CATALOG}
    from app.domain.contract import STATUS_LABELS

    found |= {f"state label {s.name}": label for s, label in STATUS_LABELS.items()}
    from app.values.credit_code import credit_code_problem

    found["credit code length"] = credit_code_problem("123") or ""
    found["credit code check"] = credit_code_problem("91410500MA00000000") or ""
    return found


def test_messages_chosen_at_run_time_are_translated():
    """`_(variable)` finds nothing to extract: the values it can take must be marked N_() where defined."""
    set_language("zh_CN")
    untranslated = {where: msgid for where, msgid in _dynamic_msgids().items() if _(msgid) == msgid}
    assert not untranslated, untranslated


@pytest.mark.parametrize(
    "where, typed, expected",
    [
        ("cell:unit_price", "1.234", "小数超过 2 位"),
        ("cell:quantity", "1.23456", "小数超过 4 位"),
        ("total", "1.234", "“1.234” 的小数超过两位"),
        ("parties.b.credit_code", "91410500MA3X4A5B1！", "不允许出现字符"),
    ],
)
def test_reasons_with_values_are_translated_where_they_are_shown(where, typed, expected):
    """A reason that carries a value (decimal places, the bad character) reads right in Chinese too."""
    from app.base.errors import UserError
    from app.rules.fields import parse_value
    from app.store.annex_rows import parse_cell

    set_language("zh_CN")
    with pytest.raises(UserError) as caught:
        if where.startswith("cell:"):
            parse_cell(where.removeprefix("cell:"), typed, "第 1 行")
        else:
            parse_value(where, typed)
    assert expected in str(caught.value)


@pytest.mark.parametrize(("lang", "shown"), [("zh_CN", "第 5 行，数量：不是数字"), ("en", "第 5 行，数量: 不是数字")])
def test_an_error_names_its_field_with_the_languages_colon(lang, shown):
    from app.base.errors import UserError

    set_language(lang)
    assert str(UserError("不是数字", "第 5 行，数量")) == shown


# --- the runtime layer --------------------------------------------------------------------------


def test_switching_language_changes_messages():
    set_language("zh_CN")
    assert _("Undo") == "撤销" and _("Party A") == "甲方" and _("Cost table") == "费用明细表"
    set_language("en")
    assert _("Undo") == "Undo"
    set_language("zh-CN.UTF-8")
    assert i18n.language() == "zh_CN"


@pytest.mark.parametrize(("lang", "one", "many"), [("en", "1 day", "3 days"), ("zh_CN", "1 天", "3 天")])
def test_plurals_follow_the_language(lang, one, many):
    set_language(lang)
    assert ngettext("{n} day", "{n} days", 1).format(n=1) == one
    assert ngettext("{n} day", "{n} days", 3).format(n=3) == many
    assert format_count("{n} day", "{n} days", 1200) == many.replace("3", "1,200")


def test_chinese_is_the_default_when_nothing_is_set():
    env = {k: v for k, v in os.environ.items() if k not in ("CONTRACTDESK_LANG", "LANGUAGE", "LC_ALL", "LANG")}
    code = "from app.base.i18n import _, language; print(language(), _('Undo'))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", env=env,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["zh_CN", "撤销"]


def test_catalog_without_mo_is_compiled_in_memory(tmp_path, monkeypatch):
    """A source checkout has only .po files; the layer still translates."""
    shutil.copytree(ROOT / "i18n", tmp_path / "i18n", ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "catalog_dir", lambda: tmp_path / "i18n")
    i18n.reload_catalogs()
    try:
        set_language("zh_CN")
        assert _("Redo") == "重做"
    finally:
        monkeypatch.undo()
        i18n.reload_catalogs()


# --- the command line in both languages ---------------------------------------------------------


def test_cli_lang_option_chooses_the_language(cli):
    zh = cli("--lang", "zh_CN", "check", SAMPLE_NUMBER)
    en = cli("--lang", "en", "check", SAMPLE_NUMBER)
    assert zh.code == en.code
    assert "警告" in zh.out and "甲方合同编号为空" in zh.out, zh
    assert "warning" in en.out and "Party A contract number is blank" in en.out, en
    assert "警告" not in en.out


def test_cli_language_from_the_environment(cli):
    zh = cli("nonexistent-command", env={"CONTRACTDESK_LANG": "", "LANG": "zh_CN.UTF-8"})
    en = cli("nonexistent-command", env={"CONTRACTDESK_LANG": "", "LANG": "en_US.UTF-8"})
    assert zh.code == en.code == 2
    assert "错误" in zh.err and "error" in en.err


def test_cli_help_and_usage_errors_follow_the_language(cli):
    """argparse's own texts (usage line, its errors) come through the catalog too."""
    zh = cli("--lang", "zh_CN", "export")
    en = cli("--lang", "en", "export")
    assert zh.code == en.code == 2
    assert zh.err.startswith("用法：") and "缺少以下参数：NUMBER" in zh.err, zh
    assert en.err.startswith("usage: ") and "the following arguments are required: NUMBER" in en.err, en
    help_zh = cli("--lang", "zh_CN", "--help")
    assert help_zh.code == 0 and "显示此帮助信息并退出" in help_zh.out and "列出合同" in help_zh.out


def test_cli_usage_error_in_chinese(cli, tmp_path):
    result = cli("--lang", "zh_CN", "import", str(tmp_path / "missing.json"))
    assert result.code == 2
    assert result.err.startswith("错误："), result


# --- Babel formatting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "day", "number"),
    [
        ("zh_CN", "2025年5月22日", "1,234.5"),
        ("en", "May 22, 2025", "1,234.5"),
    ],
)
def test_formatting_follows_the_language(lang, day, number):
    set_language(lang)
    assert format_date(dt.date(2025, 5, 22)) == day
    assert format_number(Decimal("1234.5")) == number
    assert format_number(Decimal("1234.5"), places=2) == number + "0"
    assert format_date(None) == ""


def test_formatting_with_an_explicit_language_ignores_the_active_one():
    set_language("en")
    assert format_date(dt.date(2026, 2, 17), "zh_CN") == "2026年2月17日"
    assert "2026" in format_datetime(dt.datetime(2026, 2, 17, 9, 30), "zh_CN")
    assert format_datetime(dt.datetime(2026, 2, 17, 9, 30), "en").startswith("Feb 17, 2026")


def test_uppercase_amount_is_contract_content_and_never_translated():
    from app.values.money import rmb_upper

    set_language("en")
    english = rmb_upper(Decimal("1680.32"))
    set_language("zh_CN")
    assert rmb_upper(Decimal("1680.32")) == english == "壹仟陆佰捌拾元零叁角贰分"


def test_tools_write_the_template_stably(tmp_path):
    """Running the tool twice leaves the catalogs byte for byte unchanged (no churn in reviews)."""
    shutil.copytree(ROOT / "i18n", tmp_path / "i18n", ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    template = tools.extract()
    tools.write_template(template, tmp_path / "i18n" / "messages.pot")
    tools.update(template, tmp_path / "i18n")
    before = {p: p.read_bytes() for p in (tmp_path / "i18n").rglob("*.po*")}
    tools.write_template(template, tmp_path / "i18n" / "messages.pot")
    tools.update(template, tmp_path / "i18n")
    assert {p: p.read_bytes() for p in (tmp_path / "i18n").rglob("*.po*")} == before
    assert Path(tmp_path / "i18n" / "en" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8").count('msgstr ""\n\n') == 0


@settings(max_examples=200, deadline=None)
@given(amount=st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
def test_shown_money_reads_back_as_the_same_amount(amount):
    """What the interface shows ("¥{amount}", the same in both languages) can be typed or pasted back: the
    cost-table editor accepts ¥ and grouping."""
    from app.values.money import format_amount, parse_amount

    shown = f"¥{format_amount(amount)}"
    assert shown.startswith("¥") and shown.count(".") == 1 and len(shown.split(".")[1]) == 2
    assert parse_amount(shown) == amount


def test_exports_follow_the_language_but_the_printed_contract_stays_chinese(cli, tmp_path):
    """Workbook labels are interface text; the PDF packet's layout labels belong to the Chinese contract."""
    import openpyxl

    from .pdf_tools import footers, pdftotext, squash

    zh_xlsx, en_xlsx, en_pdf = tmp_path / "zh.xlsx", tmp_path / "en.xlsx", tmp_path / "en.pdf"
    assert cli("--lang", "zh_CN", "export", SAMPLE_NUMBER, "--xlsx", str(zh_xlsx)).code == 0
    assert cli("--lang", "en", "export", SAMPLE_NUMBER, "--xlsx", str(en_xlsx), "--pdf", str(en_pdf)).code == 0
    zh, en = openpyxl.load_workbook(zh_xlsx), openpyxl.load_workbook(en_xlsx)
    assert zh.sheetnames[:2] == ["合同概要", "付款计划"] and en.sheetnames[:2] == ["Contract summary", "Payment schedule"]
    assert [c.value for c in zh["合同概要"][1]][:2] == ["字段", "值"]
    assert [c.value for c in en["Contract summary"][1]][:2] == ["Field", "Value"]
    pages = footers(en_pdf)  # 第 X 页 共 Y 页 on every page after the title page, in English too
    assert pages[1:] and all(f is not None for f in pages[1:])
    assert "甲方（盖章）" in squash(pdftotext(en_pdf))

"""The command line as scripts use it: exact names, exit codes, one-line errors, nothing changed on bad input."""

from __future__ import annotations

import json

import pytest

from app.codecs.sample import sample_path
from app.ops import review as review_ops

from .conftest import SAMPLE_NUMBER, database_digest


def test_list_json(cli_process):
    """The real entry point, in a process of its own (a few smoke tests; the rest run `main(argv)` in-process)."""
    result = cli_process("list", "--json")
    assert result.code == 0, result
    rows = json.loads(result.out)
    assert rows == [
        {
            "number": SAMPLE_NUMBER,
            "title": rows[0]["title"],
            "party_a": "汤阴县公安局",
            "party_b": "中国移动通信集团河南有限公司安阳分公司",
            "total": "4273290.00",
            "status": "draft",
        }
    ]
    assert "云存储服务项目" in rows[0]["title"]


def test_sample_round_trips_byte_identical(cli, tmp_path):
    first = tmp_path / "first.json"
    second = tmp_path / "second.json"
    assert cli("export", SAMPLE_NUMBER, "--json", str(first)).code == 0
    assert first.read_bytes() == sample_path().read_bytes()
    other_db = tmp_path / "other.db"
    assert cli("delete", SAMPLE_NUMBER, db=other_db).code == 0
    imported = cli("import", str(first), db=other_db)
    assert imported.code == 0, imported
    assert imported.out.strip() == SAMPLE_NUMBER
    assert cli("export", SAMPLE_NUMBER, "--json", str(second), db=other_db).code == 0
    assert second.read_bytes() == first.read_bytes()


def test_check_reports_exactly_the_sample_defects(cli):
    result = cli("check", SAMPLE_NUMBER, "--json")
    assert result.code == 0, result  # warnings only: no errors
    findings = json.loads(result.out)
    assert sorted((f["code"], f["severity"], f["where"]) for f in findings) == sorted(
        [
            ("blank-field", "warning", "party_a_number"),
            ("blank-field", "warning", "party_b_number"),
            ("clause-numbering", "warning", "clause:第十二条"),
            ("punctuation", "warning", "clause:4.1"),
            ("signatory", "warning", "signing.b.signatory"),
        ]
    )
    assert any("第十一条" in f["message"] for f in findings)
    assert all(set(f) == {"code", "severity", "message", "where"} for f in findings)


def test_check_exit_1_on_errors(cli_process, tmp_path):
    data = json.loads(sample_path().read_text(encoding="utf-8"))
    data["payments"][2]["amount"] = "1424429.00"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert cli_process("import", str(bad), "--replace").code == 0
    result = cli_process("check", SAMPLE_NUMBER)
    assert result.code == 1
    assert "payment-sum" in result.out
    assert "1.00" in result.out


def _mutated(tmp_path, mutate) -> str:
    data = json.loads(sample_path().read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _set(path: str, value):
    def mutate(data):
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is KeyError:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value

    return mutate


BAD_INPUTS = [
    (_set("payments.1.amount", "12,3x"), 'payments[1].amount: "12,3x" is not an amount'),
    (_set("total", "-5.00"), "total: \"-5.00\" is negative"),
    (_set("total", "12.345"), "total: \"12.345\" has more than two decimal places"),
    (_set("format", "contractdesk/2"), "format: \"contractdesk/2\" is not a supported format"),
    (_set("number", KeyError), "number: is missing"),
    (_set("parties.a.name", KeyError), "parties.a.name: is missing"),
    (_set("events.accepted", "2025-13-01"), "events.accepted: \"2025-13-01\" is not a date"),
    (_set("annexes.2.table.rows.1.quantity", "abc"), "annexes[2].table.rows[1].quantity"),
    (_set("annexes.2.table.rows.0.unit_price", "-1"), "annexes[2].table.rows[0].unit_price: \"-1\" is negative"),
    (_set("terms.delivery_days", "thirty"), "terms.delivery_days: \"thirty\" is not a whole number"),
    (_set("payments.0.due.after", "delivery"), "payments[0].due.after: \"delivery\" is not one of"),
    (_set("signing.b.seal_image", "not base64!"), "signing.b.seal_image: is not valid base64"),
    (_set("drafted", "2025/05"), "drafted:"),
    # A comma typed for a decimal point must not become an amount ten or a thousand times larger.
    (_set("payments.1.amount", "1424430,5"), 'payments[1].amount: "1424430,5" is not an amount'),
    (_set("annexes.2.table.rows.0.unit_price", "1,42443"), 'annexes[2].table.rows[0].unit_price: "1,42443" is not'),
    (_set("annexes.2.table.rows.0.quantity", "1,5"), "annexes[2].table.rows[0].quantity"),
    # A misspelt member would vanish on import with the date it holds.
    (_set("events.acepted", "2025-10-15"), "events.acepted: is not a member of the contractdesk/1 format"),
    # A year no contract has: a period counted from it has no end.
    (_set("events.accepted", "9999-12-31"), "events.accepted: 9999-12-31 is outside the years"),
    (_set("signing.a.date", "2205-10-01"), "signing.a.date: 2205-10-01 is outside the years"),
]


@pytest.mark.parametrize("mutate, message", BAD_INPUTS)
def test_bad_input_names_the_field_and_changes_nothing(cli, db_path, tmp_path, mutate, message):
    cli("list")  # create the database
    before = database_digest(db_path)
    result = cli("import", _mutated(tmp_path, mutate), "--replace")
    assert result.code == 2, result
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1, "one clear line"
    assert "Traceback" not in result.err
    assert database_digest(db_path) == before


def test_malformed_json(cli, db_path, tmp_path):
    cli("list")
    before = database_digest(db_path)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "contractdesk/1", "number": ', encoding="utf-8")
    result = cli("import", str(bad))
    assert result.code == 2
    assert "not valid JSON" in result.err and "line 1" in result.err
    assert database_digest(db_path) == before


def test_import_existing_number_asks_for_replace(cli, db_path):
    cli("list")
    before = database_digest(db_path)
    result = cli("import", str(sample_path()))
    assert result.code == 2
    assert "--replace" in result.err
    assert database_digest(db_path) == before
    assert cli("import", str(sample_path()), "--replace").code == 0


@pytest.mark.parametrize("args", [("check", "NO-SUCH"), ("export", "NO-SUCH", "--json", "x.json"), ("delete", "NO-SUCH")])
def test_unknown_number(cli, args):
    result = cli(*args)
    assert result.code == 2
    assert "NO-SUCH: no contract with this number" in result.err


def test_missing_file_and_usage_errors(cli_process):
    assert cli_process("import", "does-not-exist.json").code == 2
    usage = cli_process("frobnicate")
    assert usage.code == 2
    assert "invalid choice" in usage.err


def test_python_dash_m_app_and_help(cli_process):
    result = cli_process("--help", db=None)
    assert result.code == 0
    for name in ("list", "import", "export", "check", "delete", "gui"):
        assert name in result.out
    chinese = cli_process("--lang", "zh_CN", "--help", db=None)
    assert "显示版本并退出" in chinese.out and "show program's version" not in chinese.out  # argparse's own words


def test_db_url_is_accepted(cli, tmp_path):
    url = "sqlite:///" + str(tmp_path / "via-url.db")
    result = cli("--db", url, "list", "--json", db=None)
    assert result.code == 0, result
    assert json.loads(result.out)[0]["number"] == SAMPLE_NUMBER


def test_font_choices_are_the_exporters_preferences():
    from app.cli.cmd_contracts import FONT_CHOICES
    from app.codecs.pdf.fonts import FontPreference

    assert FONT_CHOICES == tuple(p.value for p in FontPreference)


def test_export_pdf_with_the_bundled_font(cli, tmp_path):
    from tests.pdf_tools import pdffonts

    out = tmp_path / "bundled.pdf"
    result = cli("export", SAMPLE_NUMBER, "--pdf", str(out), "--no-annexes", "--font", "bundled")
    assert result.code == 0, result
    fonts = pdffonts(out)
    names = {f["name"].split("+", 1)[-1] for f in fonts}
    assert names == {"NotoSerifCJKsc-Regular", "NotoSerifCJKsc-Bold"}  # the bundled faces, even where Windows has SimSun
    assert all((f["emb"], f["sub"]) == ("yes", "yes") for f in fonts)  # embedded as subsets


def _no_windows_fonts(tmp_path) -> dict[str, str]:
    """Environment for a child process that finds no Windows fonts, even when the tests run on Windows."""
    windir = tmp_path / "Windows"
    (windir / "Fonts").mkdir(parents=True)
    return {"WINDIR": str(windir), "SystemRoot": str(windir), "LOCALAPPDATA": str(tmp_path / "local")}


@pytest.mark.parametrize("font, name", [("simsun", "SimSun"), ("fangsong", "FangSong")])
def test_export_pdf_with_a_font_that_is_not_installed(cli, tmp_path, font, name):
    out, other = tmp_path / "packet.pdf", tmp_path / "packet.json"
    result = cli("export", SAMPLE_NUMBER, "--json", str(other), "--pdf", str(out), "--font", font, env=_no_windows_fonts(tmp_path))
    assert result.code == 2, result
    assert result.err.strip() == f"error: --font: the font {name} is not installed on this computer; available: auto, bundled"
    assert not out.exists() and not other.exists()  # refused before anything is written


def test_unknown_font_is_a_usage_error(cli, tmp_path):
    result = cli("export", SAMPLE_NUMBER, "--pdf", str(tmp_path / "x.pdf"), "--font", "arial")
    assert result.code == 2
    assert "invalid choice: 'arial'" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--cross-page-seal", "seal.png"], "--cross-page-seal: applies to --pdf, which was not given"),
        (["--no-annexes"], "--no-annexes: applies to --pdf, which was not given"),
        (["--font", "bundled"], "--font: applies to --pdf, which was not given"),
        (["--review"], "--review: applies to --xlsx, which was not given"),
        (["--since", "1"], "--since: applies to --review-pdf, which was not given"),
    ],
)
def test_an_option_for_an_output_not_written_is_refused_not_ignored(cli, tmp_path, options, message):
    out = tmp_path / "packet.json"
    result = cli("--lang", "en", "export", SAMPLE_NUMBER, "--json", str(out), *options)
    assert result.code == 2, result
    assert result.err.strip() == f"error: {message}"
    assert not out.exists()


def test_sign_with_needs_a_pdf_or_a_workbook(cli, tmp_path):
    result = cli("--lang", "en", "export", SAMPLE_NUMBER, "--json", str(tmp_path / "a.json"), "--sign-with", "me.p12")
    assert result.code == 2 and "--sign-with: applies to --pdf or --xlsx" in result.err


def test_importing_a_reviewers_file_says_the_contract_was_kept_and_what_merged(cli, db, tmp_path):
    import json

    from app.ops.exchange import export_document

    data = json.loads(export_document(db, SAMPLE_NUMBER))
    data["title"] = "审阅人改过的标题"  # not applied without --replace
    data["comments"] = [{"id": "4f0c3c1e-0000-4000-8000-000000000002", "target": {"kind": "clause", "ref": "4.1"},
                         "text": "请核对", "author": "赵", "created": "2025-06-01T08:00:00Z",
                         "updated": "2025-06-01T08:00:00Z", "resolved": None}]
    path = tmp_path / "reviewed.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    db.close()
    result = cli("--lang", "en", "import", str(path))
    assert result.code == 0, result
    assert result.out == f"{SAMPLE_NUMBER}\n"
    assert result.err.strip() == (f"{SAMPLE_NUMBER} exists and was left as it is (--replace overwrites it); "
                                  "merged from the file: comments 1 new, 0 updated; amendments 0 new")
    listed = json.loads(cli("list", "--json").out)
    assert listed[0]["title"] != "审阅人改过的标题"


def test_a_member_written_twice_is_refused_not_silently_the_last(cli, db, db_path, tmp_path):
    from app.codecs.json_codec import dumps
    from app.codecs.sample import sample_contract

    text = dumps(sample_contract())
    doubled = text.replace('"total": "4273290.00",', '"total": "4273290.00",\n  "total": "4273.29",', 1)
    assert doubled != text
    path = tmp_path / "doubled.json"
    path.write_text(doubled, encoding="utf-8")
    db.close()
    before = database_digest(db_path)
    result = cli("--lang", "en", "import", str(path), "--replace")
    assert result.code == 2
    assert result.err.strip() == 'error: (document): the member "total" appears twice in one object; which one is meant is unclear'
    assert database_digest(db_path) == before


def test_state_history_is_shown_on_the_clerks_clock(cli, db):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from app.store import states

    review_ops.set_state(db, SAMPLE_NUMBER, "review")
    stored = states.history(db, SAMPLE_NUMBER)[-1].at  # UTC
    db.close()
    result = cli("state", SAMPLE_NUMBER, env={"TZ": "Asia/Shanghai"})
    assert result.code == 0
    beijing = datetime.fromisoformat(stored.replace("Z", "+00:00")).astimezone(ZoneInfo("Asia/Shanghai"))
    assert result.out.splitlines()[-1].startswith(beijing.strftime("%Y-%m-%d %H:%M") + "\t")

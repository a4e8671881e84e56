"""Where data lives: %LOCALAPPDATA%\\ContractDesk on Windows, the override, the bundle's resources; Chinese and spaces in paths."""

from __future__ import annotations

import json
import sys

import platformdirs.windows
import pytest

from app.base import paths, resources
from app.store import location

SAMPLE_NUMBER = "CMHA-AY-202500441"


def test_windows_data_folder_is_local_appdata(monkeypatch, tmp_path):
    """The database stays on this computer: %LOCALAPPDATA%, not the roaming %APPDATA% (a network share under
    folder redirection, overwritten by the last computer to log off under roaming profiles)."""
    appdata = tmp_path / "Users" / "张 三" / "AppData" / "Roaming"
    local = tmp_path / "Users" / "张 三" / "AppData" / "Local"
    monkeypatch.delenv("CONTRACTDESK_HOME", raising=False)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(appdata))
    monkeypatch.setenv("LOCALAPPDATA", str(local))
    # Without the Windows shell API here, ask platformdirs to read the same folder from the environment.
    monkeypatch.setattr(platformdirs.windows, "_RESOLVE_WIN_FOLDER", platformdirs.windows.get_win_folder_from_env_vars)
    for name in ("WIN_PD_OVERRIDE_APPDATA", "WIN_PD_OVERRIDE_LOCAL_APPDATA"):
        monkeypatch.delenv(name, raising=False)
    assert paths.data_dir() == local / "ContractDesk"
    assert paths.data_dir().is_dir()
    assert location.default_database() == local / "ContractDesk" / "contracts.db"
    assert paths.logs_dir() == local / "ContractDesk" / "logs"
    assert paths.roaming_data_dir() == appdata / "ContractDesk"
    assert not appdata.exists(), "nothing is written to the roaming profile"


def test_override_wins(monkeypatch, tmp_path):
    home = tmp_path / "合同 数据"
    monkeypatch.setenv("CONTRACTDESK_HOME", str(home))
    assert paths.data_dir() == home and home.is_dir()
    assert location.default_database().parent == home


def test_resources_come_from_the_bundle_when_frozen(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resource("fonts", "x.ttf") == tmp_path / "resources" / "fonts" / "x.ttf"
    monkeypatch.delattr(sys, "_MEIPASS")
    assert resources.resource("sample", "contract.json").is_file()


def test_windows_font_folders(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    assert paths.windows_fonts_folder() == tmp_path / "Windows" / "Fonts"
    assert paths.windows_user_fonts_folder() == tmp_path / "Local" / "Microsoft" / "Windows" / "Fonts"
    monkeypatch.delenv("WINDIR")
    monkeypatch.setenv("SystemRoot", str(tmp_path / "Win"))
    assert paths.windows_fonts_folder() == tmp_path / "Win" / "Fonts"


@pytest.mark.parametrize("folder", ["合同 台账", "D 盘/共享 文件夹/2025年 合同"])
def test_cli_works_with_chinese_and_spaces_in_every_path(cli, tmp_path, folder):
    place = tmp_path / folder
    place.mkdir(parents=True)
    db = place / "合同 数据.db"
    pdf, xlsx, js = place / "导出 包.pdf", place / "导出 包.xlsx", place / "导出 包.json"
    result = cli("export", SAMPLE_NUMBER, "--pdf", str(pdf), "--xlsx", str(xlsx), "--json", str(js), db=db)
    assert result.code == 0, result
    assert db.is_file() and pdf.read_bytes().startswith(b"%PDF") and xlsx.stat().st_size > 0
    assert json.loads(js.read_text(encoding="utf-8"))["number"] == SAMPLE_NUMBER


def test_default_database_in_a_chinese_home(cli, tmp_path):
    home = tmp_path / "用户 文件夹"
    result = cli("list", "--json", db=None, env={"CONTRACTDESK_HOME": str(home)})
    assert result.code == 0, result
    assert (home / "contracts.db").is_file()
    assert [c["number"] for c in json.loads(result.out)] == [SAMPLE_NUMBER]

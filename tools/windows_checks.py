"""What only a real Windows proves, run against the built bundle and installer (the Windows CI job).

    python tools/windows_checks.py bundle BUNDLE_FOLDER [--report FILE]
    python tools/windows_checks.py installer SETUP_EXE [--report FILE]

`bundle` copies the bundle into a folder named with Chinese characters and a space, and gives it a user profile
whose path has Chinese characters (platformdirs' WIN_PD_OVERRIDE_* variables, and LOCALAPPDATA/APPDATA/USERPROFILE),
then:

- double-click: starts ContractDesk.exe as Explorer does (ShellExecuteEx: no redirected output, no
  QT_QPA_PLATFORM, no CONTRACTDESK_HOME) with `gui --exit-after-paint`: exit 0, the sample database in the
  Chinese profile, no crash report;
- qt-dll-hidden: the same with Qt6Core.dll renamed: a native message box (its text is read from the window, then
  it is closed) and logs/startup-error.log naming the DLL error, exit 2;
- postgres-refused: the CLI on a PostgreSQL URL nobody listens on says "connection refused" (the driver loaded),
  hides the password, prints no traceback;
- selftest: `contractdesk-cli selftest` (PDFium render, Microsoft Print to PDF where present, signing, fonts by
  family name, a private folder);
- held-export: an export onto a workbook held open the way Excel holds it (read sharing only): exit 2, the
  "open in another program" message naming it, no stray .part file, the old file untouched;
- second-app: with the desktop app holding a database, `restore` from the CLI exits 2 naming the holder, and a
  second desktop app shows its "cannot open the database" window and exits 2.

`installer` installs silently for the current user, checks the shortcuts, starts the installed app, uninstalls
silently and checks that the program is gone and the data folder is kept.

Each check prints one line and goes into the JSON report; the exit code is 1 when any failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHINESE_FOLDER = "合同 台账"
PROFILE = "用户 张三"
SAMPLE_NUMBER = "CMHA-AY-202500441"


@dataclass
class Result:
    name: str
    ok: bool
    detail: str
    seen: dict = field(default_factory=dict)


class CheckFailed(Exception):
    """A check's expectation was not met; the message says which."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# --- expectations on what the programs said (also exercised by the Linux tests) --------------------------------


def expect_refused(code: int, err: str, password: str) -> None:
    """A server nobody listens on: one line saying so, from the real driver (not "no pq wrapper available")."""
    expect(code == 2, f"exit code {code}, wanted 2")
    expect("refused" in err.lower(), f"no 'connection refused' in: {err!r}")
    expect("pq wrapper" not in err.lower() and "Traceback" not in err, f"driver missing or a traceback: {err!r}")
    expect(password not in err, "the password was printed")


def expect_held(code: int, err: str, target: Path, before: bytes) -> None:
    """An export onto a file another program holds: exit 2, the message naming it, nothing changed, no .part."""
    expect(code == 2, f"exit code {code}, wanted 2: {err!r}")
    expect("open in another program" in err, f"no 'open in another program' in: {err!r}")
    expect(target.name in err, f"the message does not name {target.name}: {err!r}")
    expect(target.read_bytes() == before, "the held file was changed")
    parts = [p.name for p in target.parent.iterdir() if p.name.endswith(".part")]
    expect(not parts, f"stray temporary files: {parts}")


def expect_holder_named(code: int, err: str, pid: int) -> None:
    expect(code == 2, f"exit code {code}, wanted 2: {err!r}")
    expect(f"process {pid}" in err and "Traceback" not in err, f"the holder (process {pid}) is not named: {err!r}")


def expect_selftest(code: int, out: str) -> dict[str, str]:
    """Every check ok (print may be skipped where there is no PDF printer); returns {check: line}."""
    lines = {line.split(" ", 2)[1].rstrip(":"): line for line in out.splitlines() if line.count(" ") >= 2}
    expect(code == 0, f"selftest exit code {code}: {out!r}")
    for name in ("render", "fonts", "sign", "private"):
        expect(lines.get(name, "").startswith("ok "), f"selftest {name}: {lines.get(name)!r}")
    expect(lines.get("print", "").startswith(("ok ", "skipped ")), f"selftest print: {lines.get('print')!r}")
    return lines


def run_cli(cli: list[str], *args: str, env: dict[str, str] | None = None, timeout: float = 300) -> tuple[int, str, str]:
    proc = subprocess.run([*cli, *args], capture_output=True, text=True, encoding="utf-8", errors="replace",
                          env=env, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def check_postgres_refused(cli: list[str], env: dict[str, str]) -> Result:
    password = "s3cret-password"
    url = f"postgresql+psycopg://clerk:{password}@127.0.0.1:1/contractdesk"
    code, _out, err = run_cli(cli, "--lang", "en", "--db", url, "list", env=env)
    expect_refused(code, err, password)
    return Result("postgres-refused", True, err.strip().splitlines()[-1][:300])


def check_selftest(cli: list[str], env: dict[str, str], keep: Path) -> Result:
    code, out, err = run_cli(cli, "--lang", "en", "selftest", "--keep", str(keep), env=env, timeout=600)
    lines = expect_selftest(code, out + err)
    return Result("selftest", True, lines.get("print", ""), {"lines": list(lines.values())})


# --- Windows: starting programs as Explorer does, their windows, files held open -------------------------------


def _win():
    import ctypes
    from ctypes import wintypes

    return ctypes, wintypes


class Started:
    """A program started with ShellExecuteEx (a double-click); its process handle, id and exit code."""

    def __init__(self, exe: Path, parameters: str, directory: Path) -> None:
        ctypes, wintypes = _win()

        fields = [("cbSize", wintypes.DWORD), ("fMask", wintypes.ULONG), ("hwnd", wintypes.HWND),
                  ("lpVerb", wintypes.LPCWSTR), ("lpFile", wintypes.LPCWSTR), ("lpParameters", wintypes.LPCWSTR),
                  ("lpDirectory", wintypes.LPCWSTR), ("nShow", ctypes.c_int), ("hInstApp", wintypes.HINSTANCE),
                  ("lpIDList", ctypes.c_void_p), ("lpClass", wintypes.LPCWSTR), ("hkeyClass", wintypes.HKEY),
                  ("dwHotKey", wintypes.DWORD), ("hIconOrMonitor", wintypes.HANDLE), ("hProcess", wintypes.HANDLE)]
        ShellExecuteInfo = type("SHELLEXECUTEINFOW", (ctypes.Structure,), {"_fields_": fields})

        info = ShellExecuteInfo()
        info.cbSize = ctypes.sizeof(info)
        info.fMask = 0x40 | 0x100  # SEE_MASK_NOCLOSEPROCESS | SEE_MASK_NOASYNC
        info.lpVerb = "open"
        info.lpFile = str(exe)
        info.lpParameters = parameters
        info.lpDirectory = str(directory)
        info.nShow = 1  # SW_SHOWNORMAL
        shell32 = ctypes.WinDLL("shell32", use_last_error=True)
        shell32.ShellExecuteExW.argtypes = [ctypes.POINTER(ShellExecuteInfo)]
        shell32.ShellExecuteExW.restype = wintypes.BOOL
        if not shell32.ShellExecuteExW(ctypes.byref(info)) or not info.hProcess:
            raise CheckFailed(f"ShellExecuteEx({exe}) failed: error {ctypes.get_last_error()}")
        self.kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        self.kernel32.WaitForSingleObject.argtypes = [wintypes.HANDLE, wintypes.DWORD]
        self.kernel32.GetExitCodeProcess.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD)]
        self.kernel32.GetProcessId.argtypes = [wintypes.HANDLE]
        self.kernel32.TerminateProcess.argtypes = [wintypes.HANDLE, wintypes.UINT]
        self.kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
        self.handle = info.hProcess
        self.pid = int(self.kernel32.GetProcessId(self.handle))
        self._ctypes, self._wintypes = ctypes, wintypes

    def wait(self, seconds: float) -> int | None:
        """The exit code, or None when it is still running after `seconds`."""
        if self.kernel32.WaitForSingleObject(self.handle, int(seconds * 1000)) != 0:  # WAIT_OBJECT_0
            return None
        code = self._wintypes.DWORD()
        self.kernel32.GetExitCodeProcess(self.handle, self._ctypes.byref(code))
        return int(code.value)

    def kill(self) -> None:
        self.kernel32.TerminateProcess(self.handle, 99)
        self.wait(10)

    def close(self) -> None:
        self.kernel32.CloseHandle(self.handle)


def windows_of(pid: int) -> list[tuple[int, str, str]]:
    """(handle, class, title) of the visible top-level windows of process `pid`."""
    ctypes, wintypes = _win()
    user32 = ctypes.WinDLL("user32", use_last_error=True)
    user32.GetWindowThreadProcessId.argtypes = [wintypes.HWND, ctypes.POINTER(wintypes.DWORD)]
    user32.IsWindowVisible.argtypes = [wintypes.HWND]
    user32.GetWindowTextW.argtypes = [wintypes.HWND, wintypes.LPWSTR, ctypes.c_int]
    user32.GetClassNameW.argtypes = [wintypes.HWND, wintypes.LPWSTR, ctypes.c_int]
    found: list[tuple[int, str, str]] = []
    proc = ctypes.WINFUNCTYPE(wintypes.BOOL, wintypes.HWND, wintypes.LPARAM)

    def each(hwnd, _lparam):
        owner = wintypes.DWORD()
        user32.GetWindowThreadProcessId(hwnd, ctypes.byref(owner))
        if owner.value == pid and user32.IsWindowVisible(hwnd):
            title = ctypes.create_unicode_buffer(512)
            user32.GetWindowTextW(hwnd, title, 512)
            kind = ctypes.create_unicode_buffer(256)
            user32.GetClassNameW(hwnd, kind, 256)
            found.append((int(hwnd or 0), kind.value, title.value))
        return True

    user32.EnumWindows.argtypes = [proc, wintypes.LPARAM]
    user32.EnumWindows(proc(each), 0)
    return found


def wait_for_window(pid: int, seconds: float, wanted: Callable[[str, str], bool]) -> tuple[int, str, str] | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for window in windows_of(pid):
            if wanted(window[1], window[2]):
                return window
        time.sleep(0.5)
    return None


def message_box_text(hwnd: int) -> str:
    """The text of a standard message box (its static control has the id 0xFFFF)."""
    ctypes, wintypes = _win()
    user32 = ctypes.WinDLL("user32", use_last_error=True)
    user32.GetDlgItemTextW.argtypes = [wintypes.HWND, ctypes.c_int, wintypes.LPWSTR, ctypes.c_int]
    buffer = ctypes.create_unicode_buffer(8192)
    user32.GetDlgItemTextW(hwnd, 0xFFFF, buffer, 8192)
    return buffer.value


def close_window(hwnd: int, dialog: bool) -> None:
    """Press OK on a dialog (WM_COMMAND IDOK), or close a main window (WM_CLOSE) as the title bar's X does."""
    ctypes, wintypes = _win()
    user32 = ctypes.WinDLL("user32", use_last_error=True)
    user32.PostMessageW.argtypes = [wintypes.HWND, wintypes.UINT, wintypes.WPARAM, wintypes.LPARAM]
    if dialog:
        user32.PostMessageW(hwnd, 0x0111, 1, 0)  # WM_COMMAND, IDOK
    else:
        user32.PostMessageW(hwnd, 0x0010, 0, 0)  # WM_CLOSE


class HeldLikeExcel:
    """A file opened the way Excel holds a workbook: others may read it, not write, rename or delete it."""

    def __init__(self, path: Path) -> None:
        ctypes, wintypes = _win()
        self.kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        self.kernel32.CreateFileW.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, ctypes.c_void_p,
                                              wintypes.DWORD, wintypes.DWORD, wintypes.HANDLE]
        self.kernel32.CreateFileW.restype = wintypes.HANDLE
        self.kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
        generic_read_write, share_read, open_existing = 0x80000000 | 0x40000000, 0x1, 3
        self.handle = self.kernel32.CreateFileW(str(path), generic_read_write, share_read, None, open_existing, 0x80,
                                                None)
        if self.handle in (None, wintypes.HANDLE(-1).value):
            raise CheckFailed(f"cannot hold {path} open: error {ctypes.get_last_error()}")

    def __enter__(self) -> HeldLikeExcel:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.kernel32.CloseHandle(self.handle)


# --- the bundle checks -----------------------------------------------------------------------------------------


@dataclass
class Place:
    """The bundle copied into a Chinese folder, and a user profile with a Chinese path."""

    bundle: Path
    profile: Path

    @property
    def local(self) -> Path:
        return self.profile / "AppData" / "Local"

    @property
    def data(self) -> Path:
        return self.local / "ContractDesk"

    def env(self) -> dict[str, str]:
        """The environment of a clerk's session with this profile: no test settings, no Qt platform override."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("QT_QPA_PLATFORM", "CONTRACTDESK_HOME", "CONTRACTDESK_LANG", "PYTHONPATH")}
        roaming = self.profile / "AppData" / "Roaming"
        env.update({
            "USERPROFILE": str(self.profile), "LOCALAPPDATA": str(self.local), "APPDATA": str(roaming),
            "WIN_PD_OVERRIDE_LOCAL_APPDATA": str(self.local), "WIN_PD_OVERRIDE_APPDATA": str(roaming),
        })
        return env


@contextlib.contextmanager
def with_env(env: dict[str, str]) -> Iterator[None]:
    """Make `env` this process's environment while a program is started with ShellExecuteEx (it inherits ours)."""
    before = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(before)


def prepare(bundle: Path, root: Path) -> Place:
    target = root / CHINESE_FOLDER / "ContractDesk"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(bundle, target)
    profile = root / PROFILE
    (profile / "AppData" / "Local").mkdir(parents=True, exist_ok=True)
    (profile / "AppData" / "Roaming").mkdir(parents=True, exist_ok=True)
    return Place(target, profile)


def crash_reports(data: Path) -> list[str]:
    logs = data / "logs"
    if not logs.is_dir():
        return []
    found = [p.name for p in logs.glob("crash-*.log")]
    fatal = logs / "fatal.log"
    if fatal.is_file() and fatal.stat().st_size:
        found.append("fatal.log")
    return found


def check_double_click(place: Place) -> Result:
    with with_env(place.env()):
        started = Started(place.bundle / "ContractDesk.exe", "gui --exit-after-paint", place.bundle)
    try:
        code = started.wait(180)
        if code is None:
            titles = windows_of(started.pid)
            started.kill()
            raise CheckFailed(f"still running after 180 s; its windows: {titles}")
    finally:
        started.close()
    expect(code == 0, f"exit code {code}; {place.data / 'logs'}: {crash_reports(place.data)}")
    expect((place.data / "contracts.db").is_file(), f"no database in the Chinese profile {place.data}")
    expect(not crash_reports(place.data), f"crash reports: {crash_reports(place.data)}")
    expect(not (place.data / "logs" / "startup-error.log").exists(), "a startup error was logged")
    return Result("double-click", True, f"exit 0, database in {place.data}")


def check_qt_dll_hidden(place: Place) -> Result:
    found = sorted(place.bundle.rglob("Qt6Core.dll"))
    expect(bool(found), f"no Qt6Core.dll in {place.bundle}")
    hidden = [(dll, dll.with_name(dll.name + ".hidden")) for dll in found]
    for dll, away in hidden:
        dll.rename(away)
    log = place.data / "logs" / "startup-error.log"
    log.unlink(missing_ok=True)
    try:
        with with_env(place.env()):
            started = Started(place.bundle / "ContractDesk.exe", "", place.bundle)
        try:
            box = wait_for_window(started.pid, 90, lambda kind, _title: kind == "#32770")
            if box is None:
                code = started.wait(1)
                titles = windows_of(started.pid)
                started.kill()
                raise CheckFailed(f"no message box within 90 s (exit code {code}, windows {titles}, "
                                  f"log: {log.read_text(encoding='utf-8') if log.exists() else 'none'})")
            text = message_box_text(box[0])
            close_window(box[0], dialog=True)
            code = started.wait(30)
            if code is None:
                started.kill()
        finally:
            started.close()
    finally:
        for dll, away in hidden:
            away.rename(dll)
    expect(code == 2, f"exit code {code}, wanted 2")
    expect(log.is_file(), f"no {log}")
    logged = log.read_text(encoding="utf-8")
    expect("DLL" in logged or "QtCore" in logged, f"the log does not name the DLL error: {logged!r}")
    expect("startup-error.log" in text, f"the message box does not name the log: {text!r}")
    return Result("qt-dll-hidden", True, f"message box {box[2]!r}", {"message": text, "log": logged})


def check_held_export(cli: list[str], place: Place) -> Result:
    folder = place.bundle.parent.parent / "导出 文件夹"
    folder.mkdir(exist_ok=True)
    db = folder / "合同 数据.db"
    target = folder / "合同 packet.xlsx"
    target.write_bytes(b"the workbook the clerk has open in Excel")
    before = target.read_bytes()
    env = {**place.env(), "CONTRACTDESK_HOME": str(folder / "home")}
    with HeldLikeExcel(target):
        code, _out, err = run_cli(cli, "--lang", "en", "--db", str(db), "export", SAMPLE_NUMBER, "--xlsx", str(target),
                                  env=env)
        expect_held(code, err, target, before)
    code2, _out2, err2 = run_cli(cli, "--lang", "en", "--db", str(db), "export", SAMPLE_NUMBER, "--xlsx", str(target),
                                 env=env)
    expect(code2 == 0, f"once Excel let go, the export still failed: {err2!r}")
    return Result("held-export", True, err.strip())


def check_second_app(cli: list[str], place: Place) -> Result:
    folder = place.bundle.parent.parent / "共享 数据"
    folder.mkdir(exist_ok=True)
    db = folder / "合同.db"
    lock = db.with_name(db.name + ".lock")
    env = {**place.env(), "CONTRACTDESK_HOME": str(folder / "home")}
    code, _out, err = run_cli(cli, "--db", str(db), "backup", env=env)  # a backup for `restore latest` to find
    expect(code == 0, f"backup: {err!r}")
    with with_env(env):
        first = Started(place.bundle / "ContractDesk.exe", f'--db "{db}"', place.bundle)
    try:
        window = wait_for_window(first.pid, 120, lambda _kind, title: bool(title))
        expect(window is not None and lock.is_file(), "the first desktop app did not open the database")
        code, _out, err = run_cli(cli, "--lang", "en", "--db", str(db), "restore", "latest", env=env)
        expect_holder_named(code, err, first.pid)
        with with_env({**env, "CONTRACTDESK_LANG": "en"}):
            second = Started(place.bundle / "ContractDesk.exe", f'--db "{db}"', place.bundle)
        try:
            refusal = wait_for_window(second.pid, 120, lambda _kind, title: "cannot open the database" in title)
            expect(refusal is not None, f"no refusal window; windows: {windows_of(second.pid)}")
            assert refusal is not None
            close_window(refusal[0], dialog=False)
            second_code = second.wait(30)
            if second_code is None:
                second.kill()
            expect(second_code == 2, f"the second desktop app exited with {second_code}, wanted 2")
        finally:
            second.close()
        assert window is not None
        close_window(window[0], dialog=False)
        first_code = first.wait(60)
        if first_code is None:
            first.kill()
        expect(first_code == 0, f"the first desktop app exited with {first_code} when closed")
    finally:
        first.close()
    expect(not lock.exists(), "the lock file is left behind after a clean exit")
    return Result("second-app", True, err.strip(), {"refusal_title": refusal[2] if refusal else ""})


def run_bundle_checks(bundle: Path, root: Path) -> list[Result]:
    place = prepare(bundle, root)
    cli = [str(place.bundle / "contractdesk-cli.exe")]
    checks: list[tuple[str, Callable[[], Result]]] = [
        ("double-click", lambda: check_double_click(place)),
        ("qt-dll-hidden", lambda: check_qt_dll_hidden(place)),
        ("postgres-refused", lambda: check_postgres_refused(cli, place.env())),
        ("selftest", lambda: check_selftest(cli, place.env(), root / "selftest")),
        ("held-export", lambda: check_held_export(cli, place)),
        ("second-app", lambda: check_second_app(cli, place)),
    ]
    return [guarded(name, check) for name, check in checks]


# --- the installer ---------------------------------------------------------------------------------------------


UNINSTALL_KEY = r"Software\Microsoft\Windows\CurrentVersion\Uninstall"
APP_ID = "{6B1E0F5C-8D4E-4C1B-9C7A-3E2F1D0A5B47}_is1"  # installer/contractdesk.iss AppId, as Inno Setup registers it


def installed_location() -> tuple[Path, str] | None:
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, UNINSTALL_KEY + "\\" + APP_ID) as key:
            location = winreg.QueryValueEx(key, "InstallLocation")[0]
            uninstall = winreg.QueryValueEx(key, "UninstallString")[0]
    except OSError:
        return None
    return Path(location), uninstall


def known_folder(name: str) -> Path:
    from platformdirs.windows import get_win_folder

    return Path(get_win_folder(name))


def check_installer(setup: Path, root: Path) -> Result:
    log = root / "install.log"
    proc = subprocess.run([str(setup), "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", f"/LOG={log}"], timeout=600)
    expect(proc.returncode == 0, f"setup exit code {proc.returncode}; see {log}")
    found = installed_location()
    expect(found is not None, "no uninstall entry in HKCU: not a per-user install")
    assert found is not None
    app, uninstall = found
    local = known_folder("CSIDL_LOCAL_APPDATA")
    expect(str(app).lower().startswith(str(local).lower()), f"installed into {app}, not under {local}")
    exe = app / "ContractDesk.exe"
    expect(exe.is_file() and (app / "contractdesk-cli.exe").is_file(), f"the programs are not in {app}")
    menu = known_folder("CSIDL_PROGRAMS") / "合同台.lnk"
    desktop = known_folder("CSIDL_DESKTOPDIRECTORY") / "合同台.lnk"
    expect(menu.is_file(), f"no Start menu shortcut {menu}")
    expect(desktop.is_file(), f"no desktop shortcut {desktop}")
    data = local / "ContractDesk"
    # a first start, as a new user has it: the settings of the earlier checks' runs would point elsewhere
    subprocess.run(["reg", "delete", r"HKCU\Software\ContractDesk", "/f"], capture_output=True, check=False)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "CONTRACTDESK_HOME")}
    with with_env(env):
        started = Started(exe, "gui --exit-after-paint", app)
    try:
        code = started.wait(180)
        if code is None:
            started.kill()
    finally:
        started.close()
    expect(code == 0, f"the installed app exited with {code}")
    expect((data / "contracts.db").is_file(), f"the installed app made no database in {data}")
    proc = subprocess.run(f"{uninstall} /VERYSILENT /SUPPRESSMSGBOXES /NORESTART", timeout=600)
    expect(proc.returncode == 0, f"uninstall exit code {proc.returncode}")
    deadline = time.monotonic() + 120  # the uninstaller runs on from a copy of itself in the temporary folder
    while exe.exists() and time.monotonic() < deadline:
        time.sleep(1)
    expect(not exe.exists(), f"{exe} is still there after uninstalling")
    expect(not menu.exists() and not desktop.exists(), "a shortcut is left after uninstalling")
    expect((data / "contracts.db").is_file(), f"the uninstaller removed the data folder {data}")
    return Result("installer", True, f"installed into {app}, started, uninstalled; {data} kept")


def guarded(name: str, check: Callable[[], Result]) -> Result:
    try:
        return check()
    except CheckFailed as exc:
        return Result(name, False, str(exc))
    except Exception as exc:  # report it and go on with the other checks
        return Result(name, False, f"{type(exc).__name__}: {exc}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("bundle", "installer"))
    parser.add_argument("path", type=Path, help="the bundle folder (dist/ContractDesk) or the setup program")
    parser.add_argument("--report", type=Path, help="write the results as JSON here")
    args = parser.parse_args(argv)
    if sys.platform != "win32":
        parser.error("these checks need Windows")
    root = Path(tempfile.mkdtemp(prefix="cd-win-"))
    if args.what == "bundle":
        results = run_bundle_checks(args.path.resolve(), root)
    else:
        results = [guarded("installer", lambda: check_installer(args.path.resolve(), root))]
    for r in results:
        print(f"{'ok' if r.ok else 'FAILED'} {r.name}: {r.detail}", flush=True)
    if args.report:
        args.report.write_text(json.dumps([r.__dict__ for r in results], ensure_ascii=False, indent=2) + "\n",
                               encoding="utf-8")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

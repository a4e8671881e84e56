"""Files and folders readable by the user only, on Windows too.

On POSIX the mode bits do it (0o600 files, 0o700 folders). On Windows a mode only sets or clears the read-only
flag, and a new file takes the access-control list of its folder: in ``D:\\合同`` every user of the computer may
read it. There the list is replaced by one granting full control to this user, to SYSTEM and to the
Administrators group (who can take any file anyway), not inherited from the folder above; a folder's list is
inherited by what is created in it later (SQLite's -wal/-shm files, new backups, logs). This goes through the
Win32 security API with ctypes: no pywin32, no icacls window.

A file system without access-control lists (a FAT32 USB stick, some network shares) cannot do this: the attempt
is logged and the program carries on, as it does with a chmod that fails.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path

log = logging.getLogger(__name__)

#: Well-known SIDs in SDDL: Local System and the built-in Administrators group.
SYSTEM, ADMINISTRATORS = "SY", "BA"
_SE_FILE_OBJECT = 1
_DACL_SECURITY_INFORMATION = 0x4
_PROTECTED_DACL_SECURITY_INFORMATION = 0x80000000
_SDDL_REVISION_1 = 1
_TOKEN_QUERY = 0x0008
_TOKEN_USER = 1
_ACE = re.compile(r"\((?P<type>[A-Z]+);(?P<flags>[A-Z]*);(?P<rights>[^;]*);[^;]*;[^;]*;(?P<sid>[^;)]+)\)")


def private_sddl(user_sid: str, folder: bool) -> str:
    """The security descriptor (SDDL) of a private file or folder: D:P = a protected list, nothing inherited from
    above; FA = full access; OICI = a folder's entry passes to the files and folders later made inside it."""
    flags = "OICI" if folder else ""
    return "D:P" + "".join(f"(A;{flags};FA;;;{sid})" for sid in (user_sid, SYSTEM, ADMINISTRATORS))


def trustees(sddl: str) -> set[str]:
    """The SIDs an SDDL string allows anything to (for tests and diagnostics)."""
    return {m["sid"] for m in _ACE.finditer(sddl) if m["type"] == "A"}


def make_private(path: str | os.PathLike[str]) -> bool:
    """Make `path` (a file or a folder) readable by the user only; False (and a log line) when it cannot be done."""
    path = Path(path)
    try:
        if os.name == "nt":  # the system actually running (tests set sys.platform to simulate Windows paths)
            sddl = read_sddl(path)
            if sddl.startswith("D:P") and trustees(sddl) <= _allowed():  # set on an earlier start: leave it be
                return True
            _set_windows_acl(path)
        else:
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
        return True
    except (OSError, AttributeError, ValueError) as exc:
        log.warning("cannot make %s readable by the user only: %s", path, exc)
        return False


def is_private(path: str | os.PathLike[str]) -> bool:
    """Whether nobody but the user (and, on Windows, SYSTEM and Administrators) can read `path`."""
    if os.name == "nt":
        return trustees(read_sddl(path)) <= _allowed()
    return stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0


def _allowed() -> set[str]:
    """Who may have access to a private file on Windows, as SDDL writes them."""
    user = current_user_sid()
    allowed = {user, SYSTEM, ADMINISTRATORS, "S-1-5-18", "S-1-5-32-544"}
    if user.endswith("-500"):  # SDDL writes the built-in Administrator account as LA
        allowed.add("LA")
    return allowed


# --- Windows -------------------------------------------------------------------------------------------------


def _api():
    """advapi32 and kernel32 with the argument types declared (pointers are 64-bit: never let ctypes guess)."""
    import ctypes
    from ctypes import wintypes

    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    p = ctypes.c_void_p
    advapi32.OpenProcessToken.argtypes = [wintypes.HANDLE, wintypes.DWORD, ctypes.POINTER(wintypes.HANDLE)]
    advapi32.OpenProcessToken.restype = wintypes.BOOL
    advapi32.GetTokenInformation.argtypes = [wintypes.HANDLE, ctypes.c_int, p, wintypes.DWORD,
                                             ctypes.POINTER(wintypes.DWORD)]
    advapi32.GetTokenInformation.restype = wintypes.BOOL
    advapi32.ConvertSidToStringSidW.argtypes = [p, ctypes.POINTER(wintypes.LPWSTR)]
    advapi32.ConvertSidToStringSidW.restype = wintypes.BOOL
    advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW.argtypes = [
        wintypes.LPCWSTR, wintypes.DWORD, ctypes.POINTER(p), ctypes.POINTER(wintypes.ULONG)]
    advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW.restype = wintypes.BOOL
    advapi32.GetSecurityDescriptorDacl.argtypes = [p, ctypes.POINTER(wintypes.BOOL), ctypes.POINTER(p),
                                                   ctypes.POINTER(wintypes.BOOL)]
    advapi32.GetSecurityDescriptorDacl.restype = wintypes.BOOL
    advapi32.SetNamedSecurityInfoW.argtypes = [wintypes.LPWSTR, ctypes.c_int, wintypes.DWORD, p, p, p, p]
    advapi32.SetNamedSecurityInfoW.restype = wintypes.DWORD
    advapi32.GetNamedSecurityInfoW.argtypes = [wintypes.LPCWSTR, ctypes.c_int, wintypes.DWORD, ctypes.POINTER(p),
                                               ctypes.POINTER(p), ctypes.POINTER(p), ctypes.POINTER(p),
                                               ctypes.POINTER(p)]
    advapi32.GetNamedSecurityInfoW.restype = wintypes.DWORD
    advapi32.ConvertSecurityDescriptorToStringSecurityDescriptorW.argtypes = [
        p, wintypes.DWORD, wintypes.DWORD, ctypes.POINTER(wintypes.LPWSTR), ctypes.POINTER(wintypes.ULONG)]
    advapi32.ConvertSecurityDescriptorToStringSecurityDescriptorW.restype = wintypes.BOOL
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
    kernel32.LocalFree.argtypes = [p]
    kernel32.LocalFree.restype = p
    return ctypes, wintypes, advapi32, kernel32


def _failed(ctypes, what: str) -> OSError:
    code = ctypes.get_last_error()
    return OSError(0, f"{what} failed", None, code)


_user_sid: str | None = None


def current_user_sid() -> str:
    """The string SID (S-1-5-21-…) of the user this process runs as."""
    global _user_sid
    if _user_sid is not None:
        return _user_sid
    ctypes, wintypes, advapi32, kernel32 = _api()
    token = wintypes.HANDLE()
    if not advapi32.OpenProcessToken(kernel32.GetCurrentProcess(), _TOKEN_QUERY, ctypes.byref(token)):
        raise _failed(ctypes, "OpenProcessToken")
    try:
        size = wintypes.DWORD()
        advapi32.GetTokenInformation(token, _TOKEN_USER, None, 0, ctypes.byref(size))
        buffer = ctypes.create_string_buffer(size.value)
        if not advapi32.GetTokenInformation(token, _TOKEN_USER, buffer, size, ctypes.byref(size)):
            raise _failed(ctypes, "GetTokenInformation")
        sid = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_void_p))[0]  # TOKEN_USER starts with the SID's pointer
        text = wintypes.LPWSTR()
        if not advapi32.ConvertSidToStringSidW(sid, ctypes.byref(text)):
            raise _failed(ctypes, "ConvertSidToStringSidW")
        _user_sid = str(text.value)
        kernel32.LocalFree(text)
    finally:
        kernel32.CloseHandle(token)
    return _user_sid


def _set_windows_acl(path: Path) -> None:
    ctypes, wintypes, advapi32, kernel32 = _api()
    sddl = private_sddl(current_user_sid(), path.is_dir())
    descriptor = ctypes.c_void_p()
    if not advapi32.ConvertStringSecurityDescriptorToSecurityDescriptorW(sddl, _SDDL_REVISION_1,
                                                                         ctypes.byref(descriptor), None):
        raise _failed(ctypes, "ConvertStringSecurityDescriptorToSecurityDescriptorW")
    try:
        present, defaulted, dacl = wintypes.BOOL(), wintypes.BOOL(), ctypes.c_void_p()
        if not advapi32.GetSecurityDescriptorDacl(descriptor, ctypes.byref(present), ctypes.byref(dacl),
                                                  ctypes.byref(defaulted)):
            raise _failed(ctypes, "GetSecurityDescriptorDacl")
        error = advapi32.SetNamedSecurityInfoW(
            str(path), _SE_FILE_OBJECT, _DACL_SECURITY_INFORMATION | _PROTECTED_DACL_SECURITY_INFORMATION,
            None, None, dacl, None)
        if error:
            raise OSError(0, "SetNamedSecurityInfoW failed", str(path), error)
    finally:
        kernel32.LocalFree(descriptor)


def read_sddl(path: str | os.PathLike[str]) -> str:
    """The access-control list of `path` as SDDL ("D:PAI(A;OICI;FA;;;S-1-5-21-…)…"); Windows only."""
    ctypes, wintypes, advapi32, kernel32 = _api()
    dacl, descriptor = ctypes.c_void_p(), ctypes.c_void_p()
    error = advapi32.GetNamedSecurityInfoW(os.fspath(path), _SE_FILE_OBJECT, _DACL_SECURITY_INFORMATION, None, None,
                                           ctypes.byref(dacl), None, ctypes.byref(descriptor))
    if error:
        raise OSError(0, "GetNamedSecurityInfoW failed", os.fspath(path), error)
    try:
        text = wintypes.LPWSTR()
        if not advapi32.ConvertSecurityDescriptorToStringSecurityDescriptorW(
                descriptor, _SDDL_REVISION_1, _DACL_SECURITY_INFORMATION, ctypes.byref(text), None):
            raise _failed(ctypes, "ConvertSecurityDescriptorToStringSecurityDescriptorW")
        value = str(text.value)
        kernel32.LocalFree(text)
        return value
    finally:
        kernel32.LocalFree(descriptor)

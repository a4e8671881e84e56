; ContractDesk (合同台) installer, Inno Setup 6: per-user (no administrator rights), Chinese wizard, Start menu and
; desktop shortcuts, an uninstaller that keeps the user's data, and a refusal of Windows versions Qt cannot run on.
;
;   ISCC.exe /DAppVersion=0.1.0 /DBundleDir=<dist\ContractDesk> /DOutputDir=<folder> /DIconFile=<contractdesk.ico>
;            [/DSign "/Ssigntool=<signtool command with $f>"] installer\contractdesk.iss
;
; installer\build-installer.ps1 runs this (and signs when a certificate is given). The data folder
; (%LOCALAPPDATA%\ContractDesk: database, backups, logs) is not part of the installation: uninstalling keeps it.
; This file and zh_CN.isl are UTF-8 with a byte order mark, which Inno Setup needs to read Chinese text.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\dist\ContractDesk"
#endif
#ifndef OutputDir
  #define OutputDir "..\dist"
#endif

[Setup]
; The AppId names the installation in the registry: keep it, or an update would install beside the old one.
AppId={{6B1E0F5C-8D4E-4C1B-9C7A-3E2F1D0A5B47}
AppName=合同台 ContractDesk
AppVersion={#AppVersion}
AppPublisher=ContractDesk
VersionInfoVersion={#AppVersion}
; Per user: %LOCALAPPDATA%\Programs\ContractDesk, no UAC prompt, uninstall entry under HKCU.
PrivilegesRequired=lowest
DefaultDirName={autopf}\ContractDesk
DisableDirPage=yes
DisableProgramGroupPage=yes
DisableReadyPage=yes
ShowLanguageDialog=no
WizardStyle=modern
OutputDir={#OutputDir}
OutputBaseFilename=ContractDesk-{#AppVersion}-setup
#ifdef IconFile
SetupIconFile={#IconFile}
#endif
UninstallDisplayIcon={app}\ContractDesk.exe
UninstallDisplayName=合同台 ContractDesk
Compression=lzma2
SolidCompression=yes
; Updating over a running ContractDesk: Windows' Restart Manager asks it to close first.
CloseApplications=yes
RestartApplications=no
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "zh"; MessagesFile: "compiler:Default.isl,zh_CN.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\合同台"; Filename: "{app}\ContractDesk.exe"; WorkingDir: "{app}"; Comment: "合同台 ContractDesk"
Name: "{autodesktop}\合同台"; Filename: "{app}\ContractDesk.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\ContractDesk.exe"; Description: "{cm:LaunchProgram,合同台}"; Flags: nowait postinstall skipifsilent

[Code]
// Qt 6.8+ needs 64-bit Windows 10 1809 (build 17763) or later: refuse older systems with a plain message,
// instead of an installation that fails to start with a message about a missing DLL.
function InitializeSetup(): Boolean;
var
  Version: TWindowsVersion;
  Bits: String;
begin
  GetWindowsVersionEx(Version);
  if IsWin64 then Bits := '64' else Bits := '32';
  Result := IsWin64 and ((Version.Major > 10) or ((Version.Major = 10) and (Version.Build >= 17763)));
  if not Result then
    SuppressibleMsgBox(FmtMessage(CustomMessage('UnsupportedWindows'),
      [IntToStr(Version.Major) + '.' + IntToStr(Version.Minor) + '.' + IntToStr(Version.Build), Bits]),
      mbCriticalError, MB_OK, IDOK);
end;

// After uninstalling, say where the contracts are: the data folder is kept on purpose.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{localappdata}\ContractDesk')]),
      mbInformation, MB_OK);
end;

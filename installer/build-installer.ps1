# Builds the ContractDesk installer with Inno Setup, signing the programs and the installer when a certificate is
# given (Authenticode, SHA-256, RFC 3161 time stamp).
#
#   pwsh installer/build-installer.ps1 -Bundle build\bundle\dist\ContractDesk -OutDir build\installer -Version 0.1.0
#        [-Pfx cert.pfx -PfxPassword ...] [-TimestampUrl URL]
#
# Inno Setup 6 is taken from its usual folder, else installed with Chocolatey (GitHub's Windows images have both).
# Prints the path of the setup program on its last line.
param(
    [Parameter(Mandatory = $true)][string]$Bundle,
    [Parameter(Mandatory = $true)][string]$OutDir,
    [Parameter(Mandatory = $true)][string]$Version,
    [string]$Pfx = "",
    [string]$PfxPassword = "",
    [string]$TimestampUrl = "http://timestamp.digicert.com"
)
$ErrorActionPreference = "Stop"

function Find-Iscc {
    $candidates = @(
        "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe",
        "${env:ProgramFiles}\Inno Setup 6\ISCC.exe",
        "${env:LOCALAPPDATA}\Programs\Inno Setup 6\ISCC.exe"
    )
    foreach ($c in $candidates) { if (Test-Path $c) { return $c } }
    choco install innosetup --no-progress -y | Out-Host
    foreach ($c in $candidates) { if (Test-Path $c) { return $c } }
    throw "Inno Setup 6 (ISCC.exe) not found"
}

function Find-Signtool {
    $found = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" -ErrorAction SilentlyContinue |
        Sort-Object FullName -Descending | Select-Object -First 1
    if (-not $found) { throw "signtool.exe (Windows SDK) not found" }
    return $found.FullName
}

$Bundle = (Resolve-Path $Bundle).Path
New-Item -ItemType Directory -Force -Path $OutDir | Out-Null
$OutDir = (Resolve-Path $OutDir).Path
$script = Join-Path $PSScriptRoot "contractdesk.iss"
$icon = Get-ChildItem -Path $Bundle -Recurse -Filter "contractdesk.ico" | Select-Object -First 1
$iscc = Find-Iscc
$arguments = @("/Q", "/DAppVersion=$Version", "/DBundleDir=$Bundle", "/DOutputDir=$OutDir")
if ($icon) { $arguments += "/DIconFile=$($icon.FullName)" }

if ($Pfx) {
    $signtool = Find-Signtool
    $programs = @((Join-Path $Bundle "ContractDesk.exe"), (Join-Path $Bundle "contractdesk-cli.exe"))
    & $signtool sign /fd SHA256 /f $Pfx /p $PfxPassword /tr $TimestampUrl /td SHA256 /d "ContractDesk" $programs
    if ($LASTEXITCODE -ne 0) { throw "signtool failed on the programs ($LASTEXITCODE)" }
    # Inno Setup signs the setup program and the uninstaller with this command ($q is a quote, $f the file).
    $arguments += "/DSign"
    $arguments += "/Ssigntool=`$q$signtool`$q sign /fd SHA256 /f `$q$Pfx`$q /p $PfxPassword /tr $TimestampUrl /td SHA256 /d ContractDesk `$f"
}

& $iscc @arguments $script | Out-Host
if ($LASTEXITCODE -ne 0) { throw "ISCC failed ($LASTEXITCODE)" }
$setup = Join-Path $OutDir "ContractDesk-$Version-setup.exe"
if (-not (Test-Path $setup)) { throw "no $setup" }

if ($Pfx) {
    foreach ($file in @($setup) + $programs) {
        $signature = Get-AuthenticodeSignature $file
        if (-not $signature.SignerCertificate) { throw "not signed: $file" }
        Write-Host "signed ($($signature.Status), $($signature.SignerCertificate.Subject)): $file"
    }
}
Write-Output $setup

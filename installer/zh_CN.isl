; Chinese (Simplified) texts of the ContractDesk installer, over Inno Setup's English defaults (Default.isl):
; the pages and messages a per-user installation shows. Written for ContractDesk; UTF-8 with a byte order mark.

[LangOptions]
LanguageName=简体中文
LanguageID=$0804
LanguageCodePage=936

[Messages]
SetupAppTitle=安装
SetupWindowTitle=安装 - %1
UninstallAppTitle=卸载
UninstallAppFullTitle=卸载 %1
InformationTitle=提示
ConfirmTitle=确认
ErrorTitle=错误
SetupAlreadyRunning=安装程序已经在运行。
SetupAppRunningError=%1 正在运行。%n%n请先关闭它，然后点“确定”继续，或点“取消”退出安装。
UninstallAppRunningError=%1 正在运行。%n%n请先关闭它，然后点“确定”继续，或点“取消”退出卸载。
ExitSetupTitle=退出安装
ExitSetupMessage=安装还没有完成，现在退出的话程序不会被安装。%n%n以后可以再次运行安装程序完成安装。%n%n确定要退出吗？
ButtonBack=< 上一步(&B)
ButtonNext=下一步(&N) >
ButtonInstall=安装(&I)
ButtonOK=确定
ButtonCancel=取消
ButtonYes=是(&Y)
ButtonYesToAll=全部是(&A)
ButtonNo=否(&N)
ButtonNoToAll=全部否(&O)
ButtonFinish=完成(&F)
ButtonBrowse=浏览(&B)...
ButtonWizardBrowse=浏览(&R)...
ButtonNewFolder=新建文件夹(&M)
ClickNext=点“下一步”继续，或点“取消”退出安装。
WelcomeLabel1=欢迎安装 [name]
WelcomeLabel2=本程序将在这台电脑上安装 [name/ver]。%n%n只为当前用户安装，不需要管理员权限。建议先关闭其他程序再继续。
WizardSelectTasks=选择附加任务
SelectTasksDesc=还要做哪些事？
SelectTasksLabel2=选择安装 [name] 时要做的附加任务，然后点“下一步”。
WizardPreparing=准备安装
PreparingDesc=正在准备在这台电脑上安装 [name]。
CannotContinue=安装无法继续，请点“取消”退出。
ApplicationsFound=下列程序正在使用需要更新的文件，建议让安装程序自动关闭它们。
ApplicationsFound2=下列程序正在使用需要更新的文件，建议让安装程序自动关闭它们。安装完成后会尝试重新启动这些程序。
CloseApplications=自动关闭这些程序(&A)
DontCloseApplications=不关闭这些程序(&D)
ErrorCloseApplications=安装程序无法自动关闭所有相关程序。继续之前，建议先关闭正在使用需要更新文件的程序。
WizardInstalling=正在安装
InstallingLabel=正在安装 [name]，请稍候。
FinishedHeadingLabel=[name] 安装完成
FinishedLabelNoIcons=[name] 已经安装到这台电脑上。
FinishedLabel=[name] 已经安装到这台电脑上，可以从开始菜单或桌面上的快捷方式打开。
ClickFinish=点“完成”退出安装。
RunEntryExec=运行 %1
SetupAborted=安装没有完成。%n%n请解决问题后重新运行安装程序。
StatusClosingApplications=正在关闭程序...
StatusCreateDirs=正在创建文件夹...
StatusExtractFiles=正在复制文件...
StatusCreateIcons=正在创建快捷方式...
StatusSavingUninstall=正在保存卸载信息...
StatusRunProgram=正在完成安装...
StatusRollback=正在撤销更改...
ConfirmUninstall=确定要卸载 %1 吗？%n%n您的合同数据（数据库、备份）不会被删除。
UninstallStatusLabel=正在从这台电脑上卸载 %1，请稍候。
UninstalledAll=%1 已经卸载。
UninstalledMost=%1 已经卸载。%n%n有些文件没能删除，可以手动删除。
WizardUninstalling=卸载进度
StatusUninstalling=正在卸载 %1...

[CustomMessages]
AdditionalIcons=快捷方式：
CreateDesktopIcon=在桌面上创建快捷方式(&D)
LaunchProgram=运行 %1
UninstallProgram=卸载 %1
UnsupportedWindows=合同台需要 64 位的 Windows 10（1809 版或更新）或 Windows 11。%n%n这台电脑的系统是 Windows %1（%2 位），装不了合同台。%n%n请信息科升级这台电脑的系统；暂时不能升级的，可以在一台符合要求的电脑上安装合同台，再从这台电脑用“远程桌面连接”使用它（见说明书“旧版 Windows”一节）。
DataKept=合同台已经卸载。您的合同数据（数据库、备份和日志）仍保留在：%n%n%1%n%n重新安装合同台后会继续使用这些数据；不再需要时可以手动删除这个文件夹。
